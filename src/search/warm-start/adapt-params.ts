import type { JsonValue, Param, Params, SearchSpace } from '../space.ts';
import { isParamActive } from '../space/is-param-active.ts';
import { jsonEquals } from '../space/json-equals.ts';
import { validateParams } from '../space/validate-params.ts';

/** What adapting a past configuration did: the params for this space, or why it could not. */
export type Adapted = { readonly params: Params; readonly clipped: readonly string[]; readonly filled: readonly string[] } | { readonly params?: undefined; readonly problem: string };

/**
 * A past task's configuration carried over to this search space: parameters the space lacks are
 * dropped, numeric values outside the space's range are clipped to it (and put on its grid),
 * and active parameters the configuration lacks — or categorical values the space does not
 * offer — are taken from `fill` (the family's default model). A configuration that still breaks
 * the space (no fill for a missing parameter) is skipped, with the reason.
 */
export function adaptParams(space: SearchSpace, config: Params, fill: Params | undefined): Adapted {
  const out: Record<string, JsonValue> = {};
  const clipped: string[] = [];
  const filled: string[] = [];
  for (const param of space.params) {
    if (!isParamActive(param, out)) continue;
    const value = Object.hasOwn(config, param.name) ? fit(param, config[param.name]) : undefined;
    if (value !== undefined) {
      if (!jsonEquals(value, config[param.name])) clipped.push(param.name);
      out[param.name] = value;
      continue;
    }
    const fallback = fill && Object.hasOwn(fill, param.name) ? fit(param, fill[param.name]) : undefined;
    if (fallback === undefined) return { problem: `\`${param.name}\` is missing and the family's default has no value for it` };
    out[param.name] = fallback;
    filled.push(param.name);
  }
  const problems = validateParams(space, out);
  if (problems.length > 0) return { problem: problems.join('; ') };
  return { params: out, clipped, filled };
}

/** The value on this parameter's domain, clipped and rounded; undefined when it cannot be one. */
function fit(param: Param, value: JsonValue): JsonValue | undefined {
  if (param.kind === 'categorical') return param.choices.find((c) => jsonEquals(c, value));
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  let v = Math.min(param.high, Math.max(param.low, value));
  const step = param.step ?? (param.kind === 'int' ? 1 : undefined);
  if (step !== undefined) v = Math.min(param.high, param.low + Math.round((v - param.low) / step) * step);
  // Stepping leaves float noise (0.35000000000000003) that a grid check would reject.
  return param.kind === 'int' ? Math.round(v) : Number(v.toPrecision(12));
}

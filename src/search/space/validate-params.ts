import type { Param, Params, SearchSpace } from '../space.ts';
import { activeParams } from './active-params.ts';
import { jsonEquals } from './json-equals.ts';

/**
 * The problems with `params` for `space`, one readable line each; empty when they are valid.
 * Valid means: every active parameter present, in bounds, of the right type and on its step grid;
 * no inactive or unknown parameter present. Returned, not thrown, so callers choose the error.
 */
export function validateParams(space: SearchSpace, params: Params): string[] {
  const problems: string[] = [];
  const known = new Set(space.params.map((p) => p.name));
  for (const name of Object.keys(params)) if (!known.has(name)) problems.push(`\`${name}\` is not in the search space`);
  const active = new Set(activeParams(space, params));
  for (const param of space.params) {
    const present = Object.hasOwn(params, param.name);
    if (!active.has(param.name)) {
      if (present) problems.push(`\`${param.name}\` is set but inactive (${param.condition?.parent} is ${JSON.stringify(params[param.condition?.parent ?? ''])})`);
      continue;
    }
    if (!present) {
      problems.push(`\`${param.name}\` is active but missing`);
      continue;
    }
    const problem = checkValue(param, params[param.name]);
    if (problem !== undefined) problems.push(`\`${param.name}\` ${problem}, but got ${JSON.stringify(params[param.name])}`);
  }
  return problems;
}

function checkValue(param: Param, value: unknown): string | undefined {
  if (param.kind === 'categorical') {
    return param.choices.some((c) => jsonEquals(c, value as never)) ? undefined : `must be one of ${JSON.stringify(param.choices)}`;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
  if (param.kind === 'int' && !Number.isInteger(value)) return 'must be an integer';
  if (value < param.low || value > param.high) return `must be in [${param.low}, ${param.high}]`;
  const step = param.step ?? (param.kind === 'int' ? 1 : undefined);
  if (step !== undefined) {
    const k = (value - param.low) / step;
    // Floats on a step grid carry rounding error, so accept k within a relative tolerance of an integer.
    if (Math.abs(k - Math.round(k)) > 1e-9 * Math.max(1, Math.abs(k))) return `must be ${param.low} + k·${step}`;
  }
  return undefined;
}

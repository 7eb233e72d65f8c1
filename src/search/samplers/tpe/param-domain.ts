import type { JsonValue, Param } from '../../space.ts';
import { jsonEquals } from '../../space/json-equals.ts';

/**
 * How TPE sees one parameter: numeric ones as a real interval (log space for log parameters),
 * categorical ones as choice indices. `round` maps a raw draw to the representation of the value
 * that will actually be returned, so densities compare grid points rather than raw draws.
 */
export type ParamDomain =
  | { kind: 'numeric'; low: number; high: number; encode(v: JsonValue): number | undefined; round(u: number): number; decode(u: number): JsonValue }
  | { kind: 'categorical'; size: number; encode(v: JsonValue): number | undefined; round(u: number): number; decode(u: number): JsonValue };

export function paramDomain(param: Param): ParamDomain {
  if (param.kind === 'categorical') {
    return {
      kind: 'categorical',
      size: param.choices.length,
      encode: (v) => {
        const i = param.choices.findIndex((c) => jsonEquals(c, v));
        return i < 0 ? undefined : i;
      },
      round: (i) => i,
      decode: (i) => param.choices[i],
    };
  }
  // Discrete parameters widen by half a step each side so every grid point owns an equal slice.
  const step = param.step ?? (param.kind === 'int' ? 1 : undefined);
  const log = param.log === true;
  const pad = step === undefined ? 0 : step / 2;
  const exact = step === undefined || (Number.isInteger(param.low) && Number.isInteger(step));
  const toValue = (u: number) => {
    let x = log ? Math.exp(u) : u;
    if (step !== undefined) x = param.low + Math.round((x - param.low) / step) * step;
    x = Math.min(param.high, Math.max(param.low, x));
    return exact ? x : Number.parseFloat(x.toPrecision(12));
  };
  const fromValue = (x: number) => (log ? Math.log(x) : x);
  return {
    kind: 'numeric',
    low: log ? Math.log(param.low - pad) : param.low - pad,
    high: log ? Math.log(param.high + pad) : param.high + pad,
    encode: (v) => (typeof v === 'number' && Number.isFinite(v) && (!log || v > 0) ? fromValue(v) : undefined),
    round: (u) => fromValue(toValue(u)),
    decode: (u) => toValue(u),
  };
}

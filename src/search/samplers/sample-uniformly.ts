import type { SeededRandom } from '../../seed/seeded-random.ts';
import type { JsonValue, Param } from '../space.ts';

/**
 * One value of `param` drawn uniformly from its domain (in log space when `log`), exactly on its
 * step grid and inside its bounds. The random sampler and TPE's startup phase share it.
 */
export function sampleUniformly(param: Param, rng: SeededRandom): JsonValue {
  if (param.kind === 'categorical') return param.choices[rng.int(param.choices.length)];
  const step = param.step ?? (param.kind === 'int' ? 1 : undefined);
  if (step !== undefined && param.log !== true) {
    // Count grid points rather than round a real draw, so the end points are as likely as the rest.
    const count = Math.floor((param.high - param.low) / step + 1e-9) + 1;
    return snap(param.low + rng.int(count) * step, param.low, step);
  }
  if (param.log === true) {
    // Log ints widen by half a unit each side so that, after rounding, low and high get their share.
    const pad = param.kind === 'int' ? 0.5 : 0;
    const lo = Math.log(param.low - pad);
    const hi = Math.log(param.high + pad);
    const x = Math.exp(lo + rng.next() * (hi - lo));
    return param.kind === 'int' ? Math.min(param.high, Math.max(param.low, Math.round(x))) : Math.min(param.high, Math.max(param.low, x));
  }
  return param.low + rng.next() * (param.high - param.low);
}

/** Removes the float noise of low + k·step so stored values read as written (0.30000000000000004 → 0.3). */
function snap(value: number, low: number, step: number): number {
  return Number.isInteger(low) && Number.isInteger(step) ? value : Number.parseFloat(value.toPrecision(12));
}

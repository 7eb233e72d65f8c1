import type { TableTransform } from './table-transform.ts';

/** Regression predictions or targets from the standardised scale the model learns back to the target's units. */
export function inverseTableTarget(t: TableTransform, y: ArrayLike<number>): Float32Array {
  const { mean, std } = t.target.kind === 'numeric' ? t.target : { mean: 0, std: 1 };
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i] * std + mean;
  return out;
}

/** A per-feature standardisation: x' = (x - mean[j]) * scale[j]. */
export interface FoldStandardizer {
  readonly mean: Float64Array;
  /** 1 / std, or 1 for a constant feature (which then becomes 0 rather than NaN). */
  readonly scale: Float64Array;
  /** Standardised copy of `rows` examples. */
  apply(values: Float32Array, rows: number): Float32Array;
}

/**
 * Fits the standardisation on one fold's training part. Gradient-trained models need features
 * on one scale (raw pixels run 0–255, tabular columns anything).
 */
export function fitFoldStandardizer(x: Float32Array, n: number, d: number): FoldStandardizer {
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) mean[j] += x[row + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= Math.max(1, n);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) {
      const c = x[row + j] - mean[j];
      sq[j] += c * c;
    }
  }
  const scale = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const std = Math.sqrt(sq[j] / Math.max(1, n));
    scale[j] = std > 1e-8 ? 1 / std : 1;
  }
  return {
    mean,
    scale,
    apply(values, rows) {
      const out = new Float32Array(rows * d);
      for (let i = 0; i < rows; i++) {
        const row = i * d;
        for (let j = 0; j < d; j++) out[row + j] = (values[row + j] - mean[j]) * scale[j];
      }
      return out;
    },
  };
}

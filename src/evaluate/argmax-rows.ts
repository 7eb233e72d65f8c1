/** Index of the largest value in each row of a row-major [rows, units] array (first on ties). */
export function argmaxRows(values: Float32Array, units: number): Int32Array {
  const rows = values.length / units;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let u = 1; u < units; u++) if (values[r * units + u] > values[r * units + best]) best = u;
    out[r] = best;
  }
  return out;
}

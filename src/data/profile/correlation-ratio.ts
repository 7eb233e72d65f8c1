/**
 * The correlation ratio η = sqrt(SS_between / SS_total) of numeric `values` grouped by `groups`
 * (codes 0..k-1; -1 = missing), and the one-way ANOVA F = (SS_between / (g - 1)) / (SS_within /
 * (n - g)) over the g non-empty groups. Rows with a missing group or a non-finite value are left
 * out. η is 0 when the group tells nothing about the value and 1 when it fixes it; unlike Pearson's
 * r it catches any dependence of the mean on the group, not only a linear one.
 */
export function correlationRatio(groups: Int32Array, k: number, values: ArrayLike<number>): { eta: number; f: number; n: number } {
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  let n = 0;
  let total = 0;
  const len = Math.min(groups.length, values.length);
  for (let i = 0; i < len; i++) {
    const g = groups[i];
    const v = values[i];
    if (g < 0 || g >= k || !Number.isFinite(v)) continue;
    sums[g] += v;
    counts[g]++;
    total += v;
    n++;
  }
  if (n < 2) return { eta: Number.NaN, f: Number.NaN, n };
  const mean = total / n;
  let ssTotal = 0;
  for (let i = 0; i < len; i++) {
    const g = groups[i];
    const v = values[i];
    if (g < 0 || g >= k || !Number.isFinite(v)) continue;
    ssTotal += (v - mean) ** 2;
  }
  let ssBetween = 0;
  let nonEmpty = 0;
  for (let g = 0; g < k; g++) {
    if (counts[g] === 0) continue;
    nonEmpty++;
    ssBetween += counts[g] * (sums[g] / counts[g] - mean) ** 2;
  }
  if (ssTotal === 0) return { eta: Number.NaN, f: Number.NaN, n };
  const eta = Math.sqrt(Math.min(1, ssBetween / ssTotal));
  const ssWithin = Math.max(0, ssTotal - ssBetween);
  const f = nonEmpty < 2 || n <= nonEmpty ? Number.NaN : ssWithin === 0 ? Infinity : ssBetween / (nonEmpty - 1) / (ssWithin / (n - nonEmpty));
  return { eta, f, n };
}

import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';

export interface ChiSquaredResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly degreesOfFreedom: number;
}

/**
 * Pearson's chi-squared test of homogeneity on a 2×k table: do the reference's category counts
 * and the window's come from one distribution? Categories empty in both are left out; the p-value
 * is the chi-squared survival function (stdlib) at k − 1 degrees of freedom.
 */
export function chiSquaredHomogeneity(reference: readonly number[], window: readonly number[]): ChiSquaredResult {
  if (reference.length !== window.length) throw new RangeError('the two count vectors must name the same categories');
  const kept = reference.map((r, k) => [r, window[k]!] as const).filter(([r, w]) => r + w > 0);
  const totalR = kept.reduce((s, [r]) => s + r, 0);
  const totalW = kept.reduce((s, [, w]) => s + w, 0);
  if (totalR === 0 || totalW === 0) throw new RangeError('the chi-squared test needs counts on both sides');
  const total = totalR + totalW;
  let statistic = 0;
  for (const [r, w] of kept) {
    const column = r + w;
    const expectedR = (column * totalR) / total;
    const expectedW = (column * totalW) / total;
    statistic += (r - expectedR) ** 2 / expectedR + (w - expectedW) ** 2 / expectedW;
  }
  const degreesOfFreedom = kept.length - 1;
  if (degreesOfFreedom === 0) return { statistic: 0, pValue: 1, degreesOfFreedom };
  return { statistic, pValue: Math.max(0, 1 - chisquareCdf(statistic, degreesOfFreedom)), degreesOfFreedom };
}

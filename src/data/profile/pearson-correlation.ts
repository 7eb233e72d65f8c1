/**
 * Pearson's r over the rows where both values are finite (pairwise-complete), computed from
 * centred sums in two passes so large offsets do not cancel. r is NaN when fewer than two rows
 * remain or either side is constant there.
 */
export function pearsonCorrelation(x: ArrayLike<number>, y: ArrayLike<number>): { r: number; n: number } {
  const len = Math.min(x.length, y.length);
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < len; i++) {
    const a = x[i];
    const b = y[i];
    if (Number.isFinite(a) && Number.isFinite(b)) {
      n++;
      sx += a;
      sy += b;
    }
  }
  if (n < 2) return { r: Number.NaN, n };
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < len; i++) {
    const a = x[i];
    const b = y[i];
    if (Number.isFinite(a) && Number.isFinite(b)) {
      const da = a - mx;
      const db = b - my;
      sxy += da * db;
      sxx += da * da;
      syy += db * db;
    }
  }
  if (sxx === 0 || syy === 0) return { r: Number.NaN, n };
  // Rounding can push |r| a hair past 1 for perfectly linear data.
  return { r: Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy))), n };
}

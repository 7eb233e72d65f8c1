/** The two-sample Kolmogorov–Smirnov test's result: the largest gap between the two ECDFs and its p-value. */
export interface KsResult {
  readonly statistic: number;
  readonly pValue: number;
  /** `exact` (lattice paths, when m·n is at most EXACT_LIMIT) or `asymptotic` (Kolmogorov's limit). */
  readonly method: 'exact' | 'asymptotic';
}

/** Up to this many m·n cells the p-value is exact; above, Kolmogorov's limit is already precise. */
export const EXACT_LIMIT = 25_000_000;

/**
 * Two-sided two-sample Kolmogorov–Smirnov test of "a and b come from one continuous distribution".
 * The statistic is sup |F_a − F_b| over all values (ties advance both samples together). The
 * p-value is exact when m·n ≤ EXACT_LIMIT: the chance that a random interleaving of the m and n
 * values (all C(m+n, m) equally likely under the null) reaches a gap ≥ D, summed over the lattice
 * paths that first leave the band — mass that leaves is added up directly, so tiny p-values keep
 * their precision. Beyond that, the asymptotic Kolmogorov distribution at √(mn/(m+n))·D.
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) throw new RangeError('the Kolmogorov–Smirnov test needs two non-empty samples');
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  // D·m·n as an integer: |i·n − j·m| at the largest gap, exact in double precision for these sizes.
  let i = 0;
  let j = 0;
  let gap = 0;
  while (i < m && j < n) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < m && x[i] === v) i++;
    while (j < n && y[j] === v) j++;
    gap = Math.max(gap, Math.abs(i * n - j * m));
  }
  const statistic = gap / (m * n);
  if (gap === 0) return { statistic: 0, pValue: 1, method: m * n <= EXACT_LIMIT ? 'exact' : 'asymptotic' };
  if (m * n <= EXACT_LIMIT) return { statistic, pValue: Math.min(1, exactOutside(m, n, gap)), method: 'exact' };
  return { statistic, pValue: kolmogorovSurvival(Math.sqrt((m * n) / (m + n)) * statistic), method: 'asymptotic' };
}

/**
 * P(max over the path of |i·n − j·m| ≥ gap) for a uniformly random monotone lattice path from
 * (0, 0) to (m, n): forward probabilities over the band |i·n − j·m| < gap, one row at a time (only the band's
 * cells, so the cost is m times the band's width, not m·n);
 * a step that lands outside the band adds its probability to the answer and stops there.
 */
function exactOutside(m: number, n: number, gap: number): number {
  let row = new Float64Array(n + 1);
  let next = new Float64Array(n + 1);
  row[0] = 1;
  let outside = 0;
  const inside = (i: number, j: number): boolean => Math.abs(i * n - j * m) < gap;
  for (let i = 0; i <= m; i++) {
    next.fill(0);
    // Only the band |i·n − j·m| < gap holds mass: j from ⌈(i·n − gap + 1)/m⌉ to ⌊(i·n + gap − 1)/m⌋.
    const from = Math.max(0, Math.ceil((i * n - gap + 1) / m));
    const to = Math.min(n, Math.floor((i * n + gap - 1) / m));
    for (let j = from; j <= to; j++) {
      const p = row[j]!;
      if (p === 0) continue;
      const left = m - i + (n - j);
      if (left === 0) continue;
      // Next value from a with chance (m − i)/left, from b with (n − j)/left.
      if (i < m) {
        const q = (p * (m - i)) / left;
        if (inside(i + 1, j)) next[j] += q;
        else outside += q;
      }
      if (j < n) {
        const q = (p * (n - j)) / left;
        if (inside(i, j + 1)) row[j + 1] += q;
        else outside += q;
      }
    }
    [row, next] = [next, row];
  }
  return outside;
}

/** P(K > λ) for Kolmogorov's distribution: 2 Σ (−1)^(k−1) exp(−2k²λ²), or 1 − its other series near 0. */
export function kolmogorovSurvival(lambda: number): number {
  if (lambda <= 0) return 1;
  if (lambda < 1) {
    // P(K ≤ λ) = √(2π)/λ Σ exp(−(2k−1)²π²/(8λ²)), which converges fast for small λ.
    let sum = 0;
    for (let k = 1; k <= 20; k++) sum += Math.exp(-((2 * k - 1) ** 2) * Math.PI ** 2 / (8 * lambda * lambda));
    return Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * sum);
  }
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-300) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** Below this share a bin counts as this share, so an empty bin does not make the index infinite. */
const FLOOR = 1e-4;

/**
 * Population stability index Σ (w − r)·ln(w / r) over bins of the reference's and the window's
 * shares. By the usual rule of thumb, under 0.1 is stable, 0.1–0.25 a moderate shift, above 0.25
 * a major one. It has no p-value: it is a size, not a test.
 */
export function populationStabilityIndex(reference: readonly number[], window: readonly number[]): number {
  const totalR = reference.reduce((a, b) => a + b, 0);
  const totalW = window.reduce((a, b) => a + b, 0);
  if (totalR === 0 || totalW === 0) throw new RangeError('the stability index needs counts on both sides');
  let psi = 0;
  for (let k = 0; k < reference.length; k++) {
    const r = Math.max(FLOOR, reference[k]! / totalR);
    const w = Math.max(FLOOR, window[k]! / totalW);
    psi += (w - r) * Math.log(w / r);
  }
  return psi;
}

/** Bin edges at the reference's deciles (or fewer, where values repeat): numbers binned for the PSI. */
export function quantileEdges(reference: ArrayLike<number>, bins = 10): number[] {
  const sorted = Float64Array.from(reference).sort();
  const edges = new Set<number>();
  for (let b = 1; b < bins; b++) edges.add(sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / bins))]!);
  return [...edges].sort((a, b) => a - b);
}

/** Counts of `values` per bin of `edges` (bin k holds edges[k−1] < v ≤ edges[k]; the last is open). */
export function binCounts(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v <= edges[mid]!) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]! += 1;
  }
  return counts;
}

import type { Histogram, NumericStats, Quantiles } from './data-profile.ts';

export interface SummariseOptions {
  /** Histogram bins for continuous values (default 20). */
  readonly bins?: number;
}

const QUANTILES: readonly (readonly [keyof Quantiles, number])[] = [
  ['p1', 0.01],
  ['p5', 0.05],
  ['p25', 0.25],
  ['p50', 0.5],
  ['p75', 0.75],
  ['p95', 0.95],
  ['p99', 0.99],
];

/**
 * Exact statistics of the finite values in `values` (NaN = missing and ±Infinity are left out and
 * counted). Quantiles and the distinct count are exact, from one sorted copy of the finite values:
 * O(n log n) time and 8 bytes per value of transient memory, which a million rows afford easily —
 * a streaming sketch would only trade exactness for memory we do not need to save.
 */
export function summariseNumbers(values: ArrayLike<number>, options: SummariseOptions = {}): NumericStats {
  const bins = options.bins ?? 20;
  const n = values.length;
  let finite = 0;
  let infinite = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (Number.isFinite(v)) finite++;
    else if (v === Infinity || v === -Infinity) infinite++;
  }
  const sorted = new Float64Array(finite);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (Number.isFinite(v)) sorted[k++] = v;
  }
  sorted.sort();
  return summariseSorted(sorted, infinite, bins);
}

function summariseSorted(sorted: Float64Array, infinite: number, bins: number): NumericStats {
  const m = sorted.length;
  if (m === 0) {
    const q = Object.fromEntries(QUANTILES.map(([name]) => [name, Number.NaN])) as unknown as Quantiles;
    return { count: 0, min: Number.NaN, max: Number.NaN, mean: Number.NaN, std: Number.NaN, zeros: 0, infinite, distinct: 0, integer: true, quantiles: q, histogram: { edges: [], counts: [] } };
  }
  let sum = 0;
  let zeros = 0;
  let distinct = 1;
  let integer = true;
  for (let i = 0; i < m; i++) {
    const v = sorted[i];
    sum += v;
    if (v === 0) zeros++;
    if (i > 0 && v !== sorted[i - 1]) distinct++;
    if (integer && !Number.isInteger(v)) integer = false;
  }
  // A constant column has exactly its value as mean and no spread, whatever the rounding of the sum.
  const mean = sorted[0] === sorted[m - 1] ? sorted[0] : sum / m;
  // Two passes: sum of squared deviations stays accurate when the mean is large against the spread.
  let ss = 0;
  for (let i = 0; i < m; i++) ss += (sorted[i] - mean) ** 2;
  const quantiles = Object.fromEntries(QUANTILES.map(([name, p]) => [name, quantileOfSorted(sorted, p)])) as unknown as Quantiles;
  return {
    count: m,
    min: sorted[0],
    max: sorted[m - 1],
    mean,
    std: Math.sqrt(ss / m),
    zeros,
    infinite,
    distinct,
    integer,
    quantiles,
    histogram: histogramOfSorted(sorted, bins, integer),
  };
}

/** Linear interpolation between the order statistics around (m - 1) * p (Hyndman & Fan type 7). */
function quantileOfSorted(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Equal-width bins over [min, max]; whole numbers spanning fewer values than `bins` (counts,
 * booleans, ratings) get one bin per value instead, centred on it, so no bin straddles two values.
 */
function histogramOfSorted(sorted: Float64Array, bins: number, integer: boolean): Histogram {
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  let edges: number[];
  if (integer && max - min + 1 <= bins) {
    edges = Array.from({ length: max - min + 2 }, (_, i) => min - 0.5 + i);
  } else if (min === max) {
    edges = [min - 0.5, max + 0.5];
  } else {
    const width = (max - min) / bins;
    edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * width));
  }
  const counts = new Array<number>(edges.length - 1).fill(0);
  // The values are sorted: walk them and the bins together.
  let bin = 0;
  const last = counts.length - 1;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i];
    while (bin < last && v >= edges[bin + 1]) bin++;
    counts[bin]++;
  }
  return { edges, counts };
}

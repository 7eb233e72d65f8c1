import { createSeededRandom } from '../../seed/seeded-random.ts';

export interface MmdResult {
  /** The unbiased estimate of MMD² between the two samples under a Gaussian kernel. */
  readonly statistic: number;
  readonly pValue: number;
  /** The kernel's width: the median distance between pooled points (median heuristic). */
  readonly bandwidth: number;
  readonly permutations: number;
}

export interface MmdOptions {
  readonly permutations?: number;
  readonly seed?: number;
}

/**
 * Maximum mean discrepancy between two sets of vectors (rows of `dim` values), with a Gaussian
 * kernel whose width is the median pairwise distance, and a permutation test: the share of random
 * relabellings of the pooled rows whose MMD² is at least the observed one. The kernel matrix is
 * computed once; each permutation only re-sums it. Used on the model's own embeddings (the
 * penultimate layer), where per-feature tests on pixels or tokens see nothing.
 */
export function mmdPermutationTest(reference: Float32Array, window: Float32Array, dim: number, options: MmdOptions = {}): MmdResult {
  const m = reference.length / dim;
  const n = window.length / dim;
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 2 || n < 2) throw new RangeError('MMD needs at least two rows of `dim` values on each side');
  const total = m + n;
  const row = (i: number): Float32Array => (i < m ? reference.subarray(i * dim, (i + 1) * dim) : window.subarray((i - m) * dim, (i - m + 1) * dim));
  const squared = new Float64Array(total * total);
  for (let i = 0; i < total; i++) {
    const a = row(i);
    for (let j = i + 1; j < total; j++) {
      const b = row(j);
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const d = a[k]! - b[k]!;
        s += d * d;
      }
      squared[i * total + j] = s;
      squared[j * total + i] = s;
    }
  }
  const upper: number[] = [];
  for (let i = 0; i < total; i++) for (let j = i + 1; j < total; j++) upper.push(squared[i * total + j]!);
  upper.sort((a, b) => a - b);
  const medianSquared = upper[upper.length >> 1]! || 1;
  const kernel = new Float64Array(total * total);
  for (let c = 0; c < kernel.length; c++) kernel[c] = Math.exp(-squared[c]! / (2 * medianSquared));

  const labels = new Uint8Array(total);
  labels.fill(1, m);
  const observed = mmdSquared(kernel, labels, total, m, n);
  const permutations = options.permutations ?? 200;
  const random = createSeededRandom(options.seed ?? 0);
  let atLeast = 0;
  for (let p = 0; p < permutations; p++) {
    random.shuffle(labels);
    if (mmdSquared(kernel, labels, total, m, n) >= observed) atLeast++;
  }
  return { statistic: observed, pValue: (1 + atLeast) / (1 + permutations), bandwidth: Math.sqrt(medianSquared), permutations };
}

/** Unbiased MMD² of the rows labelled 0 (m of them) against those labelled 1 (n), off-diagonal sums. */
function mmdSquared(kernel: Float64Array, labels: Uint8Array, total: number, m: number, n: number): number {
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < total; i++) {
    const li = labels[i];
    const base = i * total;
    for (let j = i + 1; j < total; j++) {
      const k = kernel[base + j]!;
      if (li !== labels[j]) xy += k;
      else if (li === 0) xx += k;
      else yy += k;
    }
  }
  return (2 * xx) / (m * (m - 1)) + (2 * yy) / (n * (n - 1)) - (2 * xy) / (m * n);
}

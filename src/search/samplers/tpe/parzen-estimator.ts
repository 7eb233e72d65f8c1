import type { SeededRandom } from '../../../seed/seeded-random.ts';
import { logTruncatedNormalPdf, sampleTruncatedNormal } from './truncated-normal.ts';

/** A one-dimensional density TPE can draw from and score candidates under. */
export interface ParzenEstimator {
  sample(rng: SeededRandom): number;
  logPdf(x: number): number;
}

export interface NumericParzenOptions {
  priorWeight: number;
  considerEndpoints: boolean;
  considerMagicClip: boolean;
}

/**
 * A mixture of truncated Gaussians over [low, high] (already in log space for log parameters), one
 * per observation plus a broad prior at the centre (σ = the width) that keeps every region reachable.
 * Each kernel's σ is the larger gap to its sorted neighbours, so kernels are narrow where
 * observations crowd and wide where they are sparse; the "magic clip" floors σ at
 * width / min(100, 1 + kernels) so a tight cluster cannot collapse into a spike too early.
 */
export function numericParzenEstimator(
  observations: readonly number[],
  weights: readonly number[],
  low: number,
  high: number,
  options: NumericParzenOptions,
): ParzenEstimator {
  const width = high - low;
  const mus = [...observations];
  const ws = [...weights];
  const withPrior = options.priorWeight > 0 || mus.length === 0;
  if (withPrior) {
    mus.push(0.5 * (low + high));
    ws.push(options.priorWeight > 0 ? options.priorWeight : 1);
  }
  const n = mus.length;
  const order = mus.map((_, i) => i).sort((a, b) => mus[a] - mus[b]);
  const sigmas = new Array<number>(n);
  for (let r = 0; r < n; r++) {
    const i = order[r];
    const left = r > 0 ? mus[i] - mus[order[r - 1]] : options.considerEndpoints ? mus[i] - low : undefined;
    const right = r < n - 1 ? mus[order[r + 1]] - mus[i] : options.considerEndpoints ? high - mus[i] : undefined;
    sigmas[i] = Math.max(left ?? 0, right ?? 0, left === undefined && right === undefined ? width : 0);
  }
  const minSigma = options.considerMagicClip ? width / Math.min(100, 1 + n) : width * 1e-6;
  for (let i = 0; i < n; i++) sigmas[i] = Math.min(width, Math.max(minSigma, sigmas[i]));
  if (withPrior) sigmas[n - 1] = width;
  const total = ws.reduce((a, b) => a + b, 0);
  const logW = ws.map((w) => Math.log(w / total));
  return {
    sample(rng) {
      let u = rng.next() * total;
      let k = 0;
      while (k < n - 1 && u >= ws[k]) u -= ws[k++];
      return sampleTruncatedNormal(mus[k], sigmas[k], low, high, rng);
    },
    logPdf(x) {
      let max = -Infinity;
      const terms = new Array<number>(n);
      for (let k = 0; k < n; k++) {
        terms[k] = logW[k] + logTruncatedNormalPdf(x, mus[k], sigmas[k], low, high);
        if (terms[k] > max) max = terms[k];
      }
      if (max === -Infinity) return -Infinity;
      let sum = 0;
      for (let k = 0; k < n; k++) sum += Math.exp(terms[k] - max);
      return max + Math.log(sum);
    },
  };
}

/**
 * Smoothed frequencies over `nChoices` indices: each observation puts its weight on its choice
 * plus priorWeight / nChoices spread over all, and the prior kernel spreads priorWeight evenly,
 * so an unseen choice keeps a small probability instead of none.
 */
export function categoricalParzenEstimator(observations: readonly number[], weights: readonly number[], nChoices: number, priorWeight: number): ParzenEstimator {
  const p = new Array<number>(nChoices).fill(0);
  observations.forEach((c, i) => {
    const w = weights[i];
    const norm = 1 + priorWeight;
    for (let j = 0; j < nChoices; j++) p[j] += (w * priorWeight) / nChoices / norm;
    p[c] += w / norm;
  });
  const prior = priorWeight > 0 || observations.length === 0 ? (priorWeight > 0 ? priorWeight : 1) : 0;
  for (let j = 0; j < nChoices; j++) p[j] += prior / nChoices;
  const total = p.reduce((a, b) => a + b, 0);
  const probs = p.map((v) => v / total);
  return {
    sample(rng) {
      let u = rng.next();
      for (let j = 0; j < nChoices - 1; j++) {
        if (u < probs[j]) return j;
        u -= probs[j];
      }
      return nChoices - 1;
    },
    logPdf(x) {
      return Math.log(probs[x]);
    },
  };
}

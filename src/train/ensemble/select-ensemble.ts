/**
 * Choosing an ensemble from the search's trials on their out-of-fold predictions (pure functions
 * on typed arrays). Classification combines class probabilities and is judged by cross-entropy;
 * regression combines values and is judged by squared error. Both selections give integer
 * weights: member i's prediction counts weights[i] times in the average.
 */

export interface EnsembleTarget {
  readonly kind: 'class' | 'numeric';
  /** Class index or value per example. */
  readonly y: ArrayLike<number>;
  /** Predicted units per example (classes, or 1). */
  readonly units: number;
}

export interface EnsembleSelection {
  /** One per candidate, in the candidates' order; 0 leaves it out. */
  readonly weights: readonly number[];
  /** The combined out-of-fold loss (cross-entropy or mean squared error). */
  readonly loss: number;
  /** The combined out-of-fold score: accuracy, or RMSE. */
  readonly score: number;
}

/** The weighted average of `predictions` (each row-major [n, units]). */
export function combinePredictions(predictions: readonly ArrayLike<number>[], weights: readonly number[]): Float64Array {
  const total = weights.reduce((s, w) => s + w, 0);
  const out = new Float64Array(predictions[0]?.length ?? 0);
  predictions.forEach((p, m) => {
    const w = weights[m]! / total;
    if (w === 0) return;
    for (let i = 0; i < out.length; i++) out[i] += w * p[i]!;
  });
  return out;
}

/** Cross-entropy (classes; probabilities clipped at 1e-7) or mean squared error (values). */
export function ensembleLoss(combined: ArrayLike<number>, target: EnsembleTarget): number {
  const n = target.y.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += target.kind === 'class' ? -Math.log(Math.max(1e-7, combined[i * target.units + target.y[i]!]!)) : (combined[i]! - target.y[i]!) ** 2;
  }
  return sum / n;
}

/** Accuracy (classes) or RMSE (values). */
export function ensembleScore(combined: ArrayLike<number>, target: EnsembleTarget): number {
  const n = target.y.length;
  if (target.kind !== 'class') return Math.sqrt(ensembleLoss(combined, target));
  let right = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < target.units; k++) if (combined[i * target.units + k]! > combined[i * target.units + best]!) best = k;
    if (best === target.y[i]) right++;
  }
  return right / n;
}

function selection(predictions: readonly ArrayLike<number>[], weights: number[], target: EnsembleTarget): EnsembleSelection {
  const combined = combinePredictions(predictions, weights);
  return { weights, loss: ensembleLoss(combined, target), score: ensembleScore(combined, target) };
}

/** The first `size` candidates (best first), equally weighted. */
export function averageTop(predictions: readonly ArrayLike<number>[], target: EnsembleTarget, size: number): EnsembleSelection {
  return selection(predictions, predictions.map((_, i) => (i < size ? 1 : 0)), target);
}

/**
 * Greedy ensemble selection with replacement (Caruana et al., 2004): start from the best single
 * candidate, then `rounds - 1` times add the candidate (possibly one already in) that lowers the
 * combined loss most, keeping the best ensemble seen; at most `maxMembers` distinct members.
 * Ties go to the earlier (better ranked) candidate, so the result is deterministic.
 */
export function greedySelection(predictions: readonly ArrayLike<number>[], target: EnsembleTarget, rounds: number, maxMembers: number): EnsembleSelection {
  const m = predictions.length;
  const singles = predictions.map((p) => ensembleLoss(p, target));
  const first = singles.indexOf(Math.min(...singles));
  const weights = new Array<number>(m).fill(0);
  weights[first] = 1;
  let best = selection(predictions, [...weights], target);
  const sum = Float64Array.from(predictions[first]!, Number);
  for (let round = 1; round < rounds; round++) {
    const used = weights.filter((w) => w > 0).length;
    let pick = -1;
    let pickLoss = Infinity;
    for (let c = 0; c < m; c++) {
      if (weights[c] === 0 && used >= maxMembers) continue;
      const count = round + 1;
      const trial = sum.map((v, i) => (v + predictions[c]![i]!) / count);
      const loss = ensembleLoss(trial, target);
      if (loss < pickLoss - 1e-12) [pick, pickLoss] = [c, loss];
    }
    if (pick < 0) break;
    weights[pick]! += 1;
    for (let i = 0; i < sum.length; i++) sum[i] += predictions[pick]![i]!;
    if (pickLoss < best.loss - 1e-12) best = selection(predictions, [...weights], target);
  }
  return best;
}

/**
 * Evaluation metrics as pure functions on typed (or plain) arrays. Classification inputs are
 * class indices 0..k-1; the confusion matrix has true classes as rows, predictions as columns.
 * Undefined ratios (no predictions of a class, no examples of it) count as 0, as scikit-learn's
 * `zero_division=0` does.
 */

export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Number of true examples of the class. */
  readonly support: number;
}

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLengths(yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return yTrue.length === 0 ? 0 : hits / yTrue.length;
}

/** k x k counts: `matrix[t][p]` examples of true class t predicted as p. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, k: number): number[][] {
  checkLengths(yTrue, yPred);
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (!(t >= 0 && t < k && p >= 0 && p < k) || !Number.isInteger(t) || !Number.isInteger(p)) {
      throw new RangeError(`class index out of range 0..${k - 1} at ${i}: true ${t}, predicted ${p}`);
    }
    matrix[t][p]++;
  }
  return matrix;
}

/** Precision, recall, F1 and support of each class, from a confusion matrix. */
export function perClassScores(matrix: readonly (readonly number[])[]): ClassScores[] {
  const k = matrix.length;
  return matrix.map((row, c) => {
    const tp = row[c];
    const support = row.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let t = 0; t < k; t++) predicted += matrix[t][c];
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1, support };
  });
}

/** Unweighted mean of the per-class F1 scores over all k classes. */
export function macroF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, k: number): number {
  const scores = perClassScores(confusionMatrix(yTrue, yPred, k));
  return scores.reduce((a, s) => a + s.f1, 0) / k;
}

export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLengths(yTrue, yPred);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += (yTrue[i] - yPred[i]) ** 2;
  return Math.sqrt(sum / yTrue.length);
}

export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLengths(yTrue, yPred);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += Math.abs(yTrue[i] - yPred[i]);
  return sum / yTrue.length;
}

/**
 * Coefficient of determination 1 - SS_res / SS_tot. For constant targets it is 1 when the
 * predictions are exact and 0 otherwise (scikit-learn's force_finite convention).
 */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLengths(yTrue, yPred);
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i];
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (yTrue[i] - yPred[i]) ** 2;
    ssTot += (yTrue[i] - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

function checkLengths(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`true and predicted values differ in length: ${a.length} vs ${b.length}`);
}

import { softmaxRegression } from '../../data/label-noise/softmax-regression.ts';
import { stratifiedFolds } from '../../data/label-noise/stratified-folds.ts';
import { fitFoldStandardizer } from '../../data/label-noise/fold-standardizer.ts';

/** A design matrix as the landmarker reads it: row-major [n, d] features and one target per row. */
export interface LandmarkData {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly n: number;
  readonly d: number;
  /** Classes (targets are class indices), or 0 for a numeric target. */
  readonly classes: number;
}

const FOLDS = 3;

/**
 * The landmarker meta-feature: a tiny linear model's 3-fold cross-validated score.
 * Classification: softmax regression (300 Adam updates), scored as accuracy above the majority
 * class, (acc − majority) / (1 − majority), so a task where the majority class is 90% and the
 * linear model reaches 90% scores 0 like a balanced one it cannot learn. Regression: ridge on
 * standardised features (closed form), R² clipped to [0, 1].
 */
export async function linearLandmarker(data: LandmarkData, seed: number): Promise<number> {
  if (data.n < FOLDS * 2) return 0;
  return data.classes > 0 ? classificationScore(data, seed) : regressionScore(data, seed);
}

async function classificationScore(data: LandmarkData, seed: number): Promise<number> {
  const folds = stratifiedFolds(data.y, FOLDS, seed);
  const model = softmaxRegression({ targetSteps: 300 });
  let correct = 0;
  for (let f = 0; f < FOLDS; f++) {
    const train = subset(data, folds, (k) => k !== f);
    const held = subset(data, folds, (k) => k === f);
    const p = await model.fitPredict({ ...train, d: data.d, k: data.classes }, held, { seed: seed + f });
    for (let i = 0; i < held.n; i++) {
      let best = 0;
      for (let c = 1; c < data.classes; c++) if (p[i * data.classes + c] > p[i * data.classes + best]) best = c;
      if (best === held.y[i]) correct++;
    }
  }
  const counts = new Array<number>(data.classes).fill(0);
  for (let i = 0; i < data.n; i++) counts[data.y[i]]++;
  const majority = Math.max(...counts) / data.n;
  const accuracy = correct / data.n;
  return majority >= 1 ? 0 : Math.max(0, Math.min(1, (accuracy - majority) / (1 - majority)));
}

function regressionScore(data: LandmarkData, seed: number): number {
  // Folds by a seeded deal of shuffled rows: the targets are numbers, so one "class" each would not do.
  const folds = stratifiedFolds(new Float32Array(data.n), FOLDS, seed);
  let sse = 0;
  let mean = 0;
  for (let i = 0; i < data.n; i++) mean += data.y[i];
  mean /= data.n;
  let sst = 0;
  for (let i = 0; i < data.n; i++) sst += (data.y[i] - mean) ** 2;
  for (let f = 0; f < FOLDS; f++) {
    const train = subset(data, folds, (k) => k !== f);
    const held = subset(data, folds, (k) => k === f);
    const predict = fitRidge(train.x, train.y, train.n, data.d, 1);
    for (let i = 0; i < held.n; i++) sse += (held.y[i] - predict(held.x, i)) ** 2;
  }
  return sst <= 0 ? 0 : Math.max(0, Math.min(1, 1 - sse / sst));
}

function subset(data: LandmarkData, folds: Int32Array, keep: (fold: number) => boolean): { x: Float32Array; y: Float32Array; n: number } {
  const rows: number[] = [];
  for (let i = 0; i < data.n; i++) if (keep(folds[i])) rows.push(i);
  const x = new Float32Array(rows.length * data.d);
  const y = new Float32Array(rows.length);
  rows.forEach((r, i) => {
    x.set(data.x.subarray(r * data.d, (r + 1) * data.d), i * data.d);
    y[i] = data.y[r];
  });
  return { x, y, n: rows.length };
}

/**
 * Ridge regression on standardised features with an intercept: solves (ZᵀZ + λI) w = Zᵀ(y − ȳ)
 * by Cholesky. Returns a predictor of row `i` of a raw [n, d] matrix.
 */
export function fitRidge(x: Float32Array, y: Float32Array, n: number, d: number, lambda: number): (rows: Float32Array, i: number) => number {
  const { mean, scale } = fitFoldStandardizer(x, n, d);
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i];
  yMean /= Math.max(1, n);
  const a = new Float64Array(d * d);
  const b = new Float64Array(d);
  const z = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) z[j] = (x[i * d + j] - mean[j]) * scale[j];
    const r = y[i] - yMean;
    for (let j = 0; j < d; j++) {
      b[j] += z[j] * r;
      for (let k = 0; k <= j; k++) a[j * d + k] += z[j] * z[k];
    }
  }
  for (let j = 0; j < d; j++) a[j * d + j] += lambda;
  // Cholesky: a = L Lᵀ in the lower triangle.
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) {
      let s = a[j * d + k];
      for (let m = 0; m < k; m++) s -= a[j * d + m] * a[k * d + m];
      a[j * d + k] = s / a[k * d + k];
    }
    let s = a[j * d + j];
    for (let m = 0; m < j; m++) s -= a[j * d + m] ** 2;
    a[j * d + j] = Math.sqrt(Math.max(s, 1e-12));
  }
  const w = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = b[j];
    for (let m = 0; m < j; m++) s -= a[j * d + m] * w[m];
    w[j] = s / a[j * d + j];
  }
  for (let j = d - 1; j >= 0; j--) {
    let s = w[j];
    for (let m = j + 1; m < d; m++) s -= a[m * d + j] * w[m];
    w[j] = s / a[j * d + j];
  }
  return (rows, i) => {
    let s = yMean;
    for (let j = 0; j < d; j++) s += (rows[i * d + j] - mean[j]) * scale[j] * w[j];
    return s;
  };
}

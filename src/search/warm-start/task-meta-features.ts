import type { Dataset } from '../../data/dataset.ts';
import { modalityOfDataset } from '../../models/modality-of-dataset.ts';
import { createSeededRandom } from '../../seed/seeded-random.ts';
import type { TaskMetaFeatures } from '../../store/formats/prior-task.ts';
import { linearLandmarker } from './linear-landmarker.ts';

/** Rows the statistics and the landmarker read at most: the meta-features cost well under a second. */
const SAMPLE_ROWS = 600;
/** Features the landmarker reads at most (an image's pixels are taken on a stride; token ids are hashed into this many buckets). */
const LANDMARK_FEATURES = 256;

/**
 * The meta-features of a task from its prepared training and validation sets (see
 * TaskMetaFeatures). Class shares come from the validation set, which balancing never touches;
 * feature statistics and the landmarker from a seeded sample of the training set.
 */
export async function taskMetaFeatures(train: Dataset, validation: Pick<Dataset, 'n' | 'y'>, seed: number): Promise<TaskMetaFeatures> {
  const modality = modalityOfDataset(train);
  const d = train.featureShape.reduce((a, b) => a * b, 1);
  const rows = sampleRows(train.n, SAMPLE_ROWS, seed);
  const classes = train.target.kind === 'class' ? train.target.classes.length : 0;
  const shares = classes > 0 ? classShares(validation.n > 0 ? validation.y : train.y, classes) : [];
  const entropy = classes > 1 ? -shares.reduce((s, p) => s + (p > 0 ? p * Math.log(p) : 0), 0) / Math.log(classes) : 1;
  const stats = featureStatistics(train, d, rows, Boolean(train.tokens));
  const landmarker = await linearLandmarker({ ...landmarkDesign(train, d, rows), classes }, seed);
  return {
    modality,
    targetKind: classes > 0 ? 'class' : 'numeric',
    rows: train.n + validation.n,
    features: d,
    classes,
    classEntropy: round(entropy),
    minorityRatio: round(classes > 0 ? Math.min(...shares) * classes : 1),
    ...stats,
    landmarker: round(landmarker),
  };
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

function sampleRows(n: number, max: number, seed: number): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (n <= max) return all;
  return createSeededRandom(seed).shuffle(all).slice(0, max).sort();
}

function classShares(y: Float32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const c of y) counts[c]++;
  return counts.map((c) => c / Math.max(1, y.length));
}

/** Skewness, kurtosis, binary share and sparsity over the sampled rows (token ids count as categorical: no moments). */
function featureStatistics(ds: Dataset, d: number, rows: Int32Array, tokens: boolean): Pick<TaskMetaFeatures, 'skewness' | 'kurtosis' | 'binaryShare' | 'sparsity'> {
  const columns = d > LANDMARK_FEATURES ? strided(d, LANDMARK_FEATURES) : Int32Array.from({ length: d }, (_, j) => j);
  let skew = 0;
  let kurt = 0;
  let binary = 0;
  let moments = 0;
  let zeros = 0;
  for (const j of columns) {
    let mean = 0;
    const distinct = new Set<number>();
    for (const i of rows) {
      const v = ds.x[i * d + j];
      mean += v;
      if (v === 0) zeros++;
      if (distinct.size <= 2) distinct.add(v);
    }
    mean /= rows.length;
    if (distinct.size <= 2) binary++;
    if (tokens) continue;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (const i of rows) {
      const c = ds.x[i * d + j] - mean;
      m2 += c * c;
      m3 += c * c * c;
      m4 += c * c * c * c;
    }
    m2 /= rows.length;
    if (m2 <= 1e-12) continue;
    skew += Math.abs(m3 / rows.length / m2 ** 1.5);
    kurt += Math.max(-3, Math.min(50, m4 / rows.length / (m2 * m2) - 3));
    moments++;
  }
  return {
    skewness: round(moments > 0 ? skew / moments : 0),
    kurtosis: round(moments > 0 ? kurt / moments : 0),
    binaryShare: round(binary / Math.max(1, columns.length)),
    sparsity: round(zeros / Math.max(1, columns.length * rows.length)),
  };
}

function strided(d: number, k: number): Int32Array {
  return Int32Array.from({ length: k }, (_, i) => Math.floor((i * d) / k));
}

/** The landmarker's inputs: raw rows (strided pixels for wide inputs), or hashed token counts for text. */
function landmarkDesign(ds: Dataset, d: number, rows: Int32Array): { x: Float32Array; y: Float32Array; n: number; d: number } {
  const n = rows.length;
  const y = Float32Array.from(rows, (i) => ds.y[i]);
  if (ds.tokens) {
    const x = new Float32Array(n * LANDMARK_FEATURES);
    rows.forEach((i, r) => {
      for (let j = 0; j < d; j++) {
        const token = ds.x[i * d + j];
        // Token 0 pads short texts.
        if (token > 0) x[r * LANDMARK_FEATURES + (Math.imul(token, 2654435761) >>> 0) % LANDMARK_FEATURES] += 1;
      }
    });
    return { x, y, n, d: LANDMARK_FEATURES };
  }
  const columns = d > LANDMARK_FEATURES ? strided(d, LANDMARK_FEATURES) : undefined;
  const width = columns?.length ?? d;
  const x = new Float32Array(n * width);
  rows.forEach((i, r) => {
    if (columns) columns.forEach((j, c) => (x[r * width + c] = ds.x[i * d + j]));
    else x.set(ds.x.subarray(i * d, (i + 1) * d), r * width);
  });
  return { x, y, n, d: width };
}

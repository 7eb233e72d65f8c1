import { DeeplineError } from '../../errors/index.ts';
import { featureSize, type Dataset } from '../dataset.ts';
import { confidentJoint } from './confident-joint.ts';
import type { FoldClassifier } from './fold-classifier.ts';
import { outOfFoldProbabilities } from './out-of-fold-probabilities.ts';
import { selectLabelIssues, type LabelIssue, type LabelIssueMethod } from './select-label-issues.ts';
import { softmaxRegression } from './softmax-regression.ts';

export interface LabelIssueOptions {
  /** Cross-validation folds (default 5; at most the number of examples). */
  readonly folds?: number;
  /** Fixes the fold assignment and every model's training. */
  readonly seed: number;
  /** The cheap model trained per fold (default: `softmaxRegression()`). */
  readonly model?: FoldClassifier;
  /** Default `prune-by-class`; see LabelIssueMethod. */
  readonly method?: LabelIssueMethod;
  readonly signal?: AbortSignal;
  /** Called after each fold, for progress output. */
  onFold?(done: number, total: number): void;
}

/** One example whose given label looks wrong. */
export interface LabelSuspect extends LabelIssue {
  /** Row in the source file, when the data set records it. */
  readonly sourceRow?: number;
}

export interface LabelIssueResult {
  /** Most suspicious (largest margin) first. */
  readonly suspects: LabelSuspect[];
  /** t_j: mean out-of-fold probability of class j over the examples labelled j (NaN if none). */
  readonly perClassThreshold: number[];
  /** counts[given][confident class]; its off-diagonal is where label errors are. */
  readonly confidentJoint: number[][];
  /** Share of examples whose out-of-fold most probable class is the given label. */
  readonly outOfFoldAccuracy: number;
  /** Row-major [n, k] out-of-fold probabilities, for reports that want to show them. */
  readonly probabilities: Float32Array;
}

/**
 * Confident-learning label-noise detection (Northcutt et al., 2021): out-of-fold probabilities
 * from a cheap model trained on the other folds, per-class thresholds, the confident joint, and
 * suspects chosen from it (see LabelIssueMethod). Images are treated as flat vectors.
 */
export async function findLabelIssues(dataset: Dataset, options: LabelIssueOptions): Promise<LabelIssueResult> {
  if (dataset.target.kind !== 'class') {
    throw new DeeplineError('DL_DATA_TARGET', `label-noise detection needs class labels, but the target \`${dataset.target.name}\` is numeric`, {
      hint: 'set prepare.labelNoise: none for regression tasks',
    });
  }
  const k = dataset.target.classes.length;
  const folds = Math.min(options.folds ?? 5, dataset.n);
  if (!Number.isInteger(folds) || folds < 2) {
    throw new DeeplineError('DL_DATA_TARGET', `label-noise detection needs at least 2 folds and 2 examples, but got ${folds} fold(s) over ${dataset.n} example(s)`, {
      hint: 'use more training data or set prepare.labelNoise: none',
    });
  }
  const bad = dataset.x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const d = featureSize(dataset);
    const [i, j] = [Math.floor(bad / d), bad % d];
    const row = dataset.sourceRows ? ` (source row ${dataset.sourceRows[i]})` : '';
    throw new DeeplineError('DL_DATA_VALUE', `label-noise detection needs finite features, but example ${i}${row} has ${dataset.x[bad]} in feature ${dataset.featureNames?.[j] ?? j}`, {
      hint: 'run it after missing values are imputed (prepare.impute: true)',
    });
  }
  const probabilities = await outOfFoldProbabilities(
    { x: dataset.x, y: dataset.y, n: dataset.n, d: featureSize(dataset), k },
    { folds, seed: options.seed, model: options.model ?? softmaxRegression(), signal: options.signal, onFold: options.onFold },
  );
  const joint = confidentJoint(probabilities, dataset.y, k);
  const issues = selectLabelIssues(probabilities, dataset.y, k, joint, options.method ?? 'prune-by-class');
  const rows = dataset.sourceRows;
  return {
    suspects: rows ? issues.map((s) => ({ ...s, sourceRow: rows[s.index] })) : issues,
    perClassThreshold: joint.thresholds,
    confidentJoint: joint.counts,
    outOfFoldAccuracy: accuracyOf(probabilities, dataset.y, k),
    probabilities,
  };
}

function accuracyOf(probabilities: Float32Array, labels: Float32Array, k: number): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (probabilities[i * k + j] > probabilities[i * k + best]) best = j;
    if (best === labels[i]) correct++;
  }
  return correct / labels.length;
}

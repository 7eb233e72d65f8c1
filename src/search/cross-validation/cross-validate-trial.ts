import type * as tf from '@tensorflow/tfjs';
import { concatDatasets, subsetDataset, type Dataset } from '../../data/dataset.ts';
import { predict } from '../../models/predict.ts';
import type { FitResult } from '../../train/fit.ts';
import { stratifiedFolds } from './stratified-folds.ts';

export interface CrossValidationPlan {
  readonly folds: number;
  readonly seed: number;
  /** The trial's whole time; each fold gets an equal share of what is left when it starts. */
  readonly timeBudgetMs?: number;
}

export interface FoldTraining {
  /** A fresh model for fold `fold` (fold 0 reuses the trial's own, already measured, model). */
  build(fold: number): tf.LayersModel;
  /** Trains `model` on `train`, stopping early on `held`; `report` is true for the fold whose epochs the scheduler sees. */
  fit(model: tf.LayersModel, train: Dataset, held: Dataset, timeBudgetMs: number | undefined, report: boolean): Promise<FitResult>;
  /** The error (lower is better) of a fit at its best epoch. */
  errorOf(fit: FitResult): number;
  readonly now: () => number;
}

export type CrossValidationResult =
  | { readonly tooSlow: FitResult }
  | {
      readonly tooSlow?: undefined;
      /** Mean of the folds' errors. */
      readonly error: number;
      readonly foldErrors: readonly number[];
      /** Median of the folds' best epochs: what the final model retrains for. */
      readonly bestEpoch: number;
      readonly epochs: number;
      readonly outOfFold: { readonly values: Float32Array; readonly units: number };
    };

/**
 * k-fold cross-validation of one trial over train + validation: each fold trains on the others and
 * stops early on itself, its best epoch's model predicts it, and the error is the mean over folds.
 * Only fold 0 reports its epochs, so a scheduler (ASHA) compares trials on one fold's curve while
 * the trial's value is the cross-validated one. With a few hundred examples one validation split
 * of a few dozen rows ranks trials mostly by chance; five folds use every example to judge.
 */
export async function crossValidateTrial(model: tf.LayersModel, train: Dataset, validation: Dataset, plan: CrossValidationPlan, training: FoldTraining): Promise<CrossValidationResult> {
  const all = concatDatasets(train, validation);
  const foldOf = stratifiedFolds(all, plan.folds, plan.seed);
  const units = model.outputs[0]!.shape.at(-1) ?? 1;
  const values = new Float32Array(all.n * units);
  const errors: number[] = [];
  const bestEpochs: number[] = [];
  let epochs = 0;
  const started = training.now();
  for (let fold = 0; fold < plan.folds; fold++) {
    const heldRows: number[] = [];
    const trainRows: number[] = [];
    foldOf.forEach((f, i) => (f === fold ? heldRows : trainRows).push(i));
    if (heldRows.length === 0) continue;
    const held = subsetDataset(all, heldRows);
    const m = fold === 0 ? model : training.build(fold);
    try {
      const left = plan.timeBudgetMs === undefined ? undefined : Math.max(1, (plan.timeBudgetMs - (training.now() - started)) / (plan.folds - fold));
      const fit = await training.fit(m, subsetDataset(all, trainRows), held, left, fold === 0);
      if (fit.reason === 'too-slow') return { tooSlow: fit };
      errors.push(training.errorOf(fit));
      bestEpochs.push(fit.bestEpoch);
      epochs += fit.history.length;
      const predicted = await predict(m, held);
      heldRows.forEach((row, k) => values.set(predicted.values.subarray(k * units, (k + 1) * units), row * units));
    } finally {
      if (m !== model) m.dispose();
    }
  }
  const sorted = [...bestEpochs].sort((a, b) => a - b);
  return {
    error: errors.reduce((s, e) => s + e, 0) / errors.length,
    foldErrors: errors,
    bestEpoch: sorted[Math.floor((sorted.length - 1) / 2)]!,
    epochs,
    outOfFold: { values, units },
  };
}

import type { StoredTrial } from '../store/metadata/study-store.ts';

/**
 * How many epochs the final model retrains for: the last epoch of the chosen trial whose error was
 * within 2% of its lowest. On a noisy curve the first minimum is often an early plateau, and the
 * retrain sees more data per epoch than the trial did, so leaning late costs little.
 */
export function bestEpochOf(trial: StoredTrial): number {
  const curve = (trial.intermediate ?? []).map((r) => ({ step: r.step, error: r.values?.[0] ?? r.value }));
  const lowest = Math.min(...curve.map((c) => c.error));
  const near = curve.filter((c) => c.error <= lowest * 1.02 + 1e-12);
  return near.at(-1)?.step ?? 0;
}

/** What the retrain needs to know of the chosen trial's training and of the search space. */
export interface RefitLimits {
  /** The trial's own epochs. */
  readonly epochs: number;
  /** The most epochs the search space allows. */
  readonly maxEpochs: number;
  /** Epochs without improvement after which training stops early. */
  readonly patience: number;
}

/**
 * The epochs the final model retrains for: the chosen trial's best epoch (bestEpochOf) when it
 * converged, stopped early by patience or with its curve turned before its last epoch. When it
 * was stopped by its time before its epochs, or was still improving at its last epoch, it never
 * reached its peak: the retrain then gets up to the most epochs the space allows (at least its
 * own), and its time budget, with the learning rate annealed by time, decides how many it runs.
 * In bench:search the default CNN, cut by its 144 s at epoch 15, was retrained for 13 epochs (its
 * curve had wobbled at the end) in 83 of its 180 s; with the whole share, 30 epochs.
 */
export function refitEpochs(trial: StoredTrial, limits: RefitLimits, foldBestEpoch?: number): number {
  if (foldBestEpoch !== undefined) return refitEpochsFromFolds(foldBestEpoch, limits);
  const curve = (trial.intermediate ?? []).map((r) => ({ step: r.step, error: r.values?.[0] ?? r.value }));
  const last = curve.at(-1)?.step ?? 0;
  if (last === 0) return limits.epochs;
  const lowest = curve.reduce((a, b) => (b.error < a.error ? b : a));
  const stoppedEarly = last - lowest.step >= Math.max(1, limits.patience);
  const cutShort = last < limits.epochs && !stoppedEarly;
  const best = bestEpochOf(trial);
  return cutShort || best === last ? Math.max(limits.epochs, limits.maxEpochs) : best;
}

/**
 * The epochs after a cross-validated trial: the median over its folds of the epoch with the lowest
 * validation loss. The curve the scheduler saw is one fold's accuracy on a few dozen rows, too
 * coarse to place a peak (iris: fold 0's error sat flat from epoch 10 to 60, so the retrain got 16
 * epochs and scored 0.82 on test where 60 give 0.95). A median at the trial's last epoch means
 * the folds were still improving: the retrain then gets up to the most epochs the space allows.
 */
export function refitEpochsFromFolds(foldBestEpoch: number, limits: RefitLimits): number {
  if (foldBestEpoch >= limits.epochs) return Math.max(limits.epochs, limits.maxEpochs);
  return Math.max(1, foldBestEpoch);
}

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

/**
 * The epochs the final model retrains for: the chosen trial's best epoch (bestEpochOf) when its
 * curve had turned, or, when it was still improving at its last epoch (stopped by its time or
 * its epochs), the most the search space allows (`maxEpochs`, at least its own): the retrain's
 * time budget, with the learning rate annealed by time, then decides how many it reaches. In
 * bench:search a trial still improving at epoch 20 of 20 was retrained for 20 epochs in half of
 * its share, while the same share gave a rival's retrain 30.
 */
export function refitEpochs(trial: StoredTrial, epochs: number, maxEpochs: number): number {
  const best = bestEpochOf(trial);
  const last = trial.intermediate?.at(-1)?.step ?? 0;
  return best === last && last > 0 ? Math.max(epochs, maxEpochs) : best;
}

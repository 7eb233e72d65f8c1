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
 * The epochs the final model retrains for: the chosen trial's best epoch (bestEpochOf), unless
 * the trial was still improving when its time ran out (its last epoch is its best and it ran
 * fewer than its epochs): then all its epochs, and the retrain's own time budget, with the
 * learning rate annealed by time, decides how many it reaches.
 */
export function refitEpochs(trial: StoredTrial, epochs: number): number {
  const best = bestEpochOf(trial);
  const last = trial.intermediate?.at(-1)?.step ?? 0;
  return last < epochs && best === last ? epochs : best;
}


import { FORMAT_VERSIONS } from '../../store/formats/format-versions.ts';

export const ENSEMBLE_SUMMARY_FORMAT_VERSION = FORMAT_VERSIONS.ensembleSummary;

/** One member of the final ensemble: the search trial it retrains, and its share of the average. */
export interface EnsembleMemberSummary {
  readonly trialId: number;
  /** The trial's number in the study (as the trials table shows it). */
  readonly number: number;
  /** How many times its output counts in the average. */
  readonly weight: number;
  /** The trial's cross-validated error (1 − accuracy, or RMSE). */
  readonly error: number;
  readonly family: string;
  /** After the retrain: the member's parameter count and epochs trained. */
  readonly params?: number;
  readonly epochs?: number;
}

/** Out-of-fold loss (cross-entropy or mean squared error) and score (accuracy or RMSE) of one way of combining. */
export interface OutOfFoldScore {
  readonly loss: number;
  readonly score: number;
  readonly members: number;
}

/** `ensemble.json`: whether the final model is an ensemble, of which trials, and why. */
export interface EnsembleSummary {
  readonly formatVersion: typeof ENSEMBLE_SUMMARY_FORMAT_VERSION;
  readonly enabled: boolean;
  /** What was chosen and why, in words. */
  readonly reason: string;
  readonly selection?: 'greedy' | 'average';
  readonly folds?: number;
  /** Train + validation examples the out-of-fold predictions cover. */
  readonly examples?: number;
  readonly members: readonly EnsembleMemberSummary[];
  /** Models trained per member from different seeds and averaged (absent: one). */
  readonly seeds?: number;
  /** On the out-of-fold predictions: the best single trial, the top-`size` average and greedy selection. */
  readonly outOfFold?: { readonly metric: 'accuracy' | 'rmse'; readonly single: OutOfFoldScore; readonly average: OutOfFoldScore; readonly greedy: OutOfFoldScore };
}

import type { FitResult } from './fit.ts';

export const TRAINING_HISTORY_FORMAT_VERSION = 1;

/** The `history` artifact of the train step: the fit's outcome plus what was trained, on what. */
export interface TrainingHistory extends FitResult {
  readonly formatVersion: typeof TRAINING_HISTORY_FORMAT_VERSION;
  readonly family: string;
  /** Number of weights (trainable and batch-norm statistics). */
  readonly params: number;
  readonly engine: string;
  readonly epochsRequested: number;
}

import type { FitResult } from './fit.ts';
import { FORMAT_VERSIONS } from '../store/formats/format-versions.ts';

export const TRAINING_HISTORY_FORMAT_VERSION = FORMAT_VERSIONS.trainingHistory;

/** The `history` artifact of the train step: the fit's outcome plus what was trained, on what. */
export interface TrainingHistory extends FitResult {
  readonly formatVersion: typeof TRAINING_HISTORY_FORMAT_VERSION;
  readonly family: string;
  /** Number of weights (trainable and batch-norm statistics). */
  readonly params: number;
  readonly engine: string;
  readonly epochsRequested: number;
}

import type { Modality } from '../../models/families/model-family.ts';

/**
 * What "small data" means and what the search does about it. Below `examples` training +
 * validation examples (tables and text), one validation split holds a few dozen rows and ranks
 * trials mostly by chance, and a search of 10 trials ends in seconds: trials are scored by k-fold
 * cross-validation instead, and a task file without a budget gets a time budget for the search
 * (about 25 s for the run, with the ensemble's retraining and the reports). 20 s since the native
 * training step made small trials ~3x cheaper: with 40 s the search ran ~2.5x more trials than
 * before and scored no better on test (bench:tabular, wine and diabetes: 96.3 / 40.0 at 40 s
 * without the step, 96.3 / 40.7 at 20 s with it and three seeds per ensemble member).
 */
export const SMALL_DATA = Object.freeze({ examples: 2000, folds: 5, searchMs: 20_000, trialMs: 15_000 });

export interface SmallDataPlan {
  /** Training + validation examples. */
  readonly examples: number;
  readonly small: boolean;
  /** Folds each trial is scored on; 1 is the validation split. */
  readonly folds: number;
  /** The search's time, when the task file gives no budget and the data are small. */
  readonly searchMs?: number;
  readonly trialMs?: number;
  /** What was chosen and why, for the user; absent when nothing differs from a plain search. */
  readonly reason?: string;
}

export interface SmallDataInput {
  readonly examples: number;
  readonly modality: Modality;
  /** `search.crossValidation`: a fold count, or `auto`. */
  readonly crossValidation: 'auto' | number;
  /** True when the task file sets neither `budget.trials` nor `budget.minutes`. */
  readonly defaultBudget: boolean;
  /** Adversarial training or a robustness gate: trials are then judged on the validation split, as attacked. */
  readonly attacked: boolean;
}

export function smallDataPlan(input: SmallDataInput): SmallDataPlan {
  const small = input.examples <= SMALL_DATA.examples && (input.modality === 'tabular' || input.modality === 'text');
  const wanted = input.crossValidation === 'auto' ? (small && !input.attacked ? SMALL_DATA.folds : 1) : input.crossValidation;
  // Every fold must hold examples to be judged on.
  const folds = Math.max(1, Math.min(wanted, Math.floor(input.examples / 2)));
  const timed = small && input.defaultBudget;
  const said = [
    ...(folds > 1 ? [`${folds}-fold cross-validation scores each trial`] : []),
    ...(timed ? [`the search takes ${SMALL_DATA.searchMs / 1000} s (no budget in the task file)`] : []),
  ];
  const reason = said.length === 0 ? undefined : `${small ? `small data (${input.examples} examples ≤ ${SMALL_DATA.examples})` : `${input.examples} examples`}: ${said.join('; ')}`;
  return {
    examples: input.examples,
    small,
    folds,
    ...(timed && { searchMs: SMALL_DATA.searchMs, trialMs: SMALL_DATA.trialMs }),
    ...(reason && { reason }),
  };
}

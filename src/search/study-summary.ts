import type { Params } from './space.ts';
import type { TrialState } from './trial.ts';
import { FORMAT_VERSIONS } from '../store/formats/format-versions.ts';
import type { WarmStartSummary } from './warm-start/warm-start-search.ts';

export const STUDY_SUMMARY_FORMAT_VERSION = FORMAT_VERSIONS.studySummary;

/** One trial of a finished search, as the report and `deepline show` read it. */
export interface StudySummaryTrial {
  readonly id: number;
  /** 0-based position in the study. */
  readonly number: number;
  readonly state: TrialState;
  readonly params: Params;
  /**
   * `[error, latencyMs, params]`: validation error (1 − accuracy, or RMSE), milliseconds per
   * single-example prediction, parameter count. Set for complete trials and for pruned ones
   * (their last report).
   */
  readonly values?: readonly number[];
  /** Every epoch's `[error, latencyMs, params]`, in epoch order. */
  readonly curve: readonly { readonly epoch: number; readonly values: readonly number[] }[];
  readonly startedAt: string;
  readonly endedAt?: string;
  /** Why a failed trial failed; for a rejected one, the constraint it broke. */
  readonly error?: string;
  /** Set when a hard constraint (latency, parameters, memory) rejected the trial. */
  readonly rejected?: boolean;
  /** The interrupted trial whose parameters this one re-ran. */
  readonly retryOf?: number;
}

/** What a search step writes (output `study`): enough to render every chart without the store. */
export interface StudySummary {
  readonly formatVersion: typeof STUDY_SUMMARY_FORMAT_VERSION;
  readonly name: string;
  readonly family: string;
  readonly sampler: string;
  readonly scheduler: string;
  /** What `values[0]` measures: `1 - accuracy` (classification) or `rmse` (regression). */
  readonly errorName: '1 - accuracy' | 'rmse';
  readonly objectives: readonly { readonly name: string; readonly direction: 'minimize' | 'maximize' }[];
  readonly budget: { readonly trials?: number; readonly minutes?: number };
  /** Set when trials were scored by k-fold cross-validation over this many train + validation examples. */
  readonly crossValidation?: { readonly folds: number; readonly examples: number };
  /** What the search chose for small data and why (cross-validation, its time budget), in words. */
  readonly smallData?: string;
  /** Set when trials trained on a sample of large data: its sizes, the data's, and what was chosen, in words. */
  readonly trialData?: {
    readonly train: number;
    readonly validation: number;
    readonly of: { readonly train: number; readonly validation: number };
    readonly reason: string;
  };
  readonly constraints: { readonly maxLatencyMs?: number; readonly maxParams?: number; readonly maxMemoryMB?: number };
  readonly workers: number;
  readonly engine: string;
  /** Wall time of the search in this step (a resumed study counts only the last part). */
  readonly durationMs: number;
  readonly trials: readonly StudySummaryTrial[];
  /** Trial ids of the complete trials no other complete trial dominates. */
  readonly paretoFront: readonly number[];
  /** The chosen trial (by the task's preference from the Pareto front); absent when none completed. */
  readonly best?: {
    readonly trialId: number;
    readonly params: Params;
    readonly values: readonly number[];
    readonly genome: unknown;
    readonly training: { readonly learningRate: number; readonly batchSize: number; readonly epochs: number; readonly [k: string]: unknown };
    /** The epoch whose weights were best in that trial. */
    readonly bestEpoch: number;
    /**
     * Epochs the final retrain runs: bestEpoch, or, when the trial was cut short by its time or
     * still improving at its last epoch, the most the space allows (then the retrain's time
     * budget decides). Absent in older summaries.
     */
    readonly refitEpochs?: number;
    /**
     * Set when no trial could train within its time and the search fell back to its first
     * trial (the family's default model where it was tried first), trained only by the final
     * retrain for the time the budget leaves it. Says why, for the report.
     */
    readonly fallback?: string;
  };
  /** Milliseconds from the search's start to the end of the trial that became the best. */
  readonly timeToBestMs?: number;
  /** The task's meta-features and the past tasks that seeded the search (absent in older summaries). */
  readonly warmStart?: WarmStartSummary;
}

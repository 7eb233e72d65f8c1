import type { StudySummary } from '../search/study-summary.ts';
import type { TrainingHistory } from '../train/training-history.ts';
import type { EvaluationMetrics } from './evaluation-metrics.ts';
import type { RobustnessSummary } from './robustness-summary.ts';
import type { CompressionSummary } from './compression-summary.ts';
import type { EnsembleSummary } from '../train/ensemble/ensemble-summary.ts';
import { FORMAT_VERSIONS } from '../store/formats/format-versions.ts';

export const RUN_REPORT_FORMAT_VERSION = FORMAT_VERSIONS.runReport;

export interface DataSummary {
  readonly n: number;
  readonly featureShape: readonly number[];
  /** Content version of the source data, when the reader recorded one. */
  readonly dataVersion?: string;
  /** Examples per class, in the task's class order (classification). */
  readonly classCounts?: readonly number[];
  /** Target statistics in the target's original units (regression). */
  readonly targetStats?: { readonly mean: number; readonly std: number; readonly min: number; readonly max: number };
}

export interface StepTiming {
  readonly step: string;
  readonly ms: number;
}

/**
 * Everything `report.html` shows, as plain JSON (written next to it as report.json). Changing
 * a field's meaning requires a new `formatVersion`.
 */
export interface RunReport {
  readonly formatVersion: typeof RUN_REPORT_FORMAT_VERSION;
  readonly task: {
    readonly name: string;
    readonly type: string;
    readonly target: string;
    readonly targetKind: 'class' | 'numeric';
    readonly classes?: readonly string[];
  };
  readonly data: { readonly train: DataSummary; readonly validation: DataSummary; readonly test: DataSummary };
  readonly model: {
    readonly family: string;
    readonly genome: unknown;
    readonly params: number;
    readonly inputShape: readonly number[];
  };
  readonly training: Omit<TrainingHistory, 'formatVersion'>;
  readonly metrics: EvaluationMetrics;
  readonly timings: readonly StepTiming[];
  /** The model search that chose the model, when one ran. */
  readonly search?: StudySummary;
  /** The final model's ensemble members and out-of-fold scores (`ensemble.json`), after a search. */
  readonly ensemble?: EnsembleSummary;
  /** Accuracy under attack (the robustness step), unless `security.enabled: false`. */
  readonly robustness?: RobustnessSummary;
  /** Every compressed variant measured from its saved files, and the one published (the compress step), with `compress`. */
  readonly compression?: CompressionSummary;
}

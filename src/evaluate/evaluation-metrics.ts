import type { ClassScores } from './metrics.ts';
import { FORMAT_VERSIONS } from '../store/formats/format-versions.ts';

export const EVALUATION_METRICS_FORMAT_VERSION = FORMAT_VERSIONS.evaluationMetrics;

/** Mean wall time of one prediction call, measured after warm-up. */
export interface Latency {
  readonly singleMs: number;
  readonly batch32Ms: number;
  readonly engine: string;
}

interface MetricsBase {
  readonly formatVersion: typeof EVALUATION_METRICS_FORMAT_VERSION;
  /** Number of test examples. */
  readonly n: number;
  readonly latency: Latency;
  readonly durationMs: number;
}

export interface ClassificationMetrics extends MetricsBase {
  readonly kind: 'class';
  readonly accuracy: number;
  readonly macroF1: number;
  readonly classes: readonly string[];
  readonly perClass: readonly (ClassScores & { readonly class: string })[];
  /** Rows: true class, columns: predicted class, in `classes` order. */
  readonly confusion: readonly (readonly number[])[];
}

export interface RegressionMetrics extends MetricsBase {
  readonly kind: 'numeric';
  /** In the target's original units (predictions un-standardised first). */
  readonly rmse: number;
  readonly mae: number;
  readonly r2: number;
}

/** The `metrics` artifact of the evaluate step. */
export type EvaluationMetrics = ClassificationMetrics | RegressionMetrics;

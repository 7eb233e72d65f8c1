import { FORMAT_VERSIONS } from '../store/formats/format-versions.ts';

export const COMPRESSION_SUMMARY_FORMAT_VERSION = FORMAT_VERSIONS.compressionSummary;

/** One saved form of a variant (`tfjs`, `onnx`), measured after it was written and loaded back. */
export interface VariantArtifact {
  readonly format: string;
  /** The name it is published under when chosen: `model`, `model.onnx`. */
  readonly fileName: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** The task's metric on the test split, computed from this artifact's outputs. */
  readonly metric: number;
  readonly batch1Ms: number;
  /** Milliseconds per call on `CompressionSummary.batch` examples. */
  readonly batchMs: number;
  readonly runtime: string;
}

/** One step of a gradual pruning schedule, after its fine-tuning. */
export interface PruneStepFigures {
  readonly step: number;
  readonly steps: number;
  /** Share of the channels (structured) or weights (unstructured) removed so far. */
  readonly fraction: number;
  readonly params: number;
  /** Validation accuracy or RMSE after the step's fine-tuning. */
  readonly valMetric: number;
  readonly epochs: number;
}

export interface VariantPruning {
  readonly method: string;
  readonly amount: number;
  readonly summary: string;
  /** Share of kernel weights that are zero. */
  readonly sparsity: number;
  readonly steps: readonly PruneStepFigures[];
}

/** A model (the float one, or a pruned one) at one weight precision, in every format measured. */
export interface CompressedVariant {
  /** `float32`, `int8`, `channel-50%`, `channel-50%+int8`. */
  readonly name: string;
  readonly precision: string;
  readonly pruning?: VariantPruning;
  readonly params: number;
  readonly artifacts: readonly VariantArtifact[];
  /** Every artifact's metric is within `tolerance` of the float model's in the same format. */
  readonly withinTolerance: boolean;
}

/**
 * What the compress step (compress/steps/compress-step.ts) measured and chose (`compression.json`): every variant's saved files
 * re-loaded and re-evaluated on the test split. The chosen variant's files are the run's
 * `model/` and `model.onnx`; the float model's are `model-float/` and `model-float.onnx`.
 */
export interface CompressionSummary {
  readonly formatVersion: typeof COMPRESSION_SUMMARY_FORMAT_VERSION;
  readonly metric: { readonly name: 'accuracy' | 'rmse'; readonly higherIsBetter: boolean };
  /** `fixed`: the task named the variant; `auto`: the smallest or fastest within tolerance. */
  readonly mode: 'fixed' | 'auto';
  readonly prefer: 'smallest' | 'fastest';
  /** Largest metric loss allowed: absolute for accuracy (0.01 = 1 point), relative for RMSE (0.01 = 1%). */
  readonly tolerance: number;
  /** The serving batch of the second latency figure. */
  readonly batch: number;
  readonly testExamples: number;
  /** The format whose figures decide (`onnx` when exported: what `deepline serve` runs). */
  readonly servedFormat: string;
  readonly baseline: string;
  readonly chosen: string;
  /** Why the chosen variant was chosen, in words. */
  readonly reason: string;
  readonly variants: readonly CompressedVariant[];
  readonly durationMs: number;
}

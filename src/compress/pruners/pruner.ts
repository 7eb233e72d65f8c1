import type * as tf from '@tensorflow/tfjs';
import type { z } from 'zod';
import type { Dataset } from '../../data/dataset.ts';

/** How a pruned model is fine-tuned between and after pruning steps (the fit loop's settings). */
export interface FineTuneSettings {
  /** Epochs after each pruning step. */
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Time for all fine-tuning together; a step past it fine-tunes no more. */
  readonly timeBudgetMs?: number;
}

export interface PruneContext {
  readonly train: Dataset;
  readonly validation: Dataset;
  readonly seed: number;
  readonly fineTune: FineTuneSettings;
  readonly signal?: AbortSignal;
  /** Told after every pruning step. */
  onStep?(step: PruneStepRecord): void;
}

/** One step of a gradual schedule: the share pruned so far, and the model after its fine-tuning. */
export interface PruneStepRecord {
  readonly step: number;
  readonly steps: number;
  /** Share of the prunable channels (structured) or weights (unstructured) removed so far. */
  readonly fraction: number;
  readonly params: number;
  /** Validation accuracy or RMSE after the step's fine-tuning. */
  readonly valMetric: number;
  readonly epochs: number;
}

export interface PruneResult {
  /** The pruned, fine-tuned model (a new model; the caller disposes both). */
  readonly model: tf.LayersModel;
  /** Parameters of the pruned model (fewer for structured pruning; as many, zeros included, for unstructured). */
  readonly params: number;
  /** Share of the kernels' weights that are zero. */
  readonly sparsity: number;
  readonly steps: readonly PruneStepRecord[];
  /** What was pruned, for reports: e.g. `50% of channels (l1, per layer; conv_0 16→8, ...)`. */
  readonly summary: string;
}

/**
 * A pruning method, registered by name in the run context (`registries.pruners`): turns a
 * trained model into a pruned, fine-tuned one that removes `amount` (0..1) of what it prunes.
 * Its `optionsSchema` validates `compress.prune.options` in the task file.
 */
export interface Pruner<O = Record<string, unknown>> {
  readonly name: string;
  readonly description: string;
  readonly optionsSchema: z.ZodType<O>;
  prune(model: tf.LayersModel, amount: number, options: O, context: PruneContext): Promise<PruneResult>;
}

import type * as tf from '@tensorflow/tfjs';

/** Where in training a batch is: the random choices of an augmentation derive from it. */
export interface AugmentContext {
  /** 1-based, as in the training history. */
  readonly epoch: number;
  /** 0-based index of the batch within its epoch. */
  readonly batch: number;
}

/**
 * Transforms one training batch. Returns a new tensor (or the input itself when it changes
 * nothing); never disposes its input, and disposes every intermediate it makes. The same seed,
 * epoch and batch always give the same output.
 */
export type BatchAugment = (x: tf.Tensor, ctx: AugmentContext) => tf.Tensor;

import * as tf from '@tensorflow/tfjs';
import type { TargetInfo } from '../data/dataset.ts';
import type { HeadSpec } from './families/model-family.ts';

/** How a task is learnt: the output head and the loss that trains it. */
export interface TaskLoss {
  readonly kind: 'class' | 'numeric';
  readonly name: 'categorical-crossentropy' | 'mse';
  readonly head: HeadSpec;
  /**
   * Mean loss over a batch. `yTrue` is [batch] (class indices or standardised values) or,
   * for classification, one-hot [batch, classes]. `weights` ([batch]) scale each example's loss.
   */
  loss(yTrue: tf.Tensor, yPred: tf.Tensor, weights?: tf.Tensor1D): tf.Scalar;
}

// Probabilities are clipped before the log, as Keras does, so a confident mistake costs a lot
// but never Infinity.
const EPSILON = 1e-7;

/**
 * The head and loss for a target: softmax + categorical cross-entropy over the classes, or one
 * linear unit + mean squared error (on standardised targets, so the usual learning rates work).
 */
export function taskLoss(target: TargetInfo): TaskLoss {
  if (target.kind === 'class') {
    const k = target.classes.length;
    return {
      kind: 'class',
      name: 'categorical-crossentropy',
      head: { units: k, activation: 'softmax' },
      loss: (yTrue, yPred, weights) =>
        tf.tidy(() => {
          const oneHot = yTrue.rank === 1 ? tf.cast(tf.oneHot(tf.cast(yTrue, 'int32'), k), 'float32') : yTrue;
          const logP = tf.log(tf.clipByValue(yPred, EPSILON, 1 - EPSILON));
          const perExample = tf.neg(tf.sum(tf.mul(oneHot, logP), -1));
          return weightedMean(perExample, weights);
        }),
    };
  }
  return {
    kind: 'numeric',
    name: 'mse',
    head: { units: 1, activation: 'linear' },
    loss: (yTrue, yPred, weights) =>
      tf.tidy(() => {
        const perExample = tf.squaredDifference(tf.reshape(yPred, [-1]), tf.reshape(yTrue, [-1]));
        return weightedMean(perExample, weights);
      }),
  };
}

function weightedMean(perExample: tf.Tensor, weights: tf.Tensor1D | undefined): tf.Scalar {
  // Divide by the batch size, not the weight sum, so class weights also scale the step size (Keras).
  return (weights ? tf.mean(tf.mul(perExample, weights)) : tf.mean(perExample)) as tf.Scalar;
}

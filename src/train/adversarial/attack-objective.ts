import * as tf from '@tensorflow/tfjs';

export interface AttackObjective {
  /** Per example: the cross-entropy the attack climbs. */
  readonly loss: tf.Tensor1D;
  /** Per example: the best other class's log-probability minus the true class's; > 0 once misclassified. */
  readonly margin: tf.Tensor1D;
}

/**
 * The per-example cross-entropy of softmax outputs, written as log Σ_k p_k / p_y over
 * log-probabilities. Mathematically it is −log p_y and its gradient is the usual one, but it
 * does not vanish where the model is confident: a float32 softmax rounds p_y to exactly 1 once
 * the others fall below 6e-8, which zeroes −log p_y's gradient (gradient masking, an attack that
 * fails for want of a direction), while the ratios p_k / p_y keep theirs.
 */
export function attackObjective(probs: tf.Tensor, y: tf.Tensor1D | tf.Tensor2D): AttackObjective {
  return tf.tidy(() => {
    const k = probs.shape[probs.shape.length - 1]!;
    // Class indices, or (from a loop that calls this often) their one-hot rows, made once.
    const oneHot = y.rank === 2 ? y : tf.oneHot(tf.cast(y, 'int32'), k).asType('float32');
    // A probability that underflowed to 0 would give log 0 = −Infinity and a NaN gradient.
    const logP = tf.log(tf.maximum(probs, 1e-30));
    const logTrue = tf.sum(tf.mul(logP, oneHot), -1, true);
    const relative = tf.sub(logP, logTrue);
    const loss = tf.logSumExp(relative, -1) as tf.Tensor1D;
    const margin = tf.max(tf.sub(relative, tf.mul(oneHot, 1e9)), -1) as tf.Tensor1D;
    return { loss, margin };
  });
}

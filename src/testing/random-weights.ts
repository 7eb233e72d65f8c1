import * as tf from '@tensorflow/tfjs';
import { createSeededRandom } from '../seed/seeded-random.ts';

/**
 * Draws every weight of `model` anew, uniform in [-0.5, 0.5) (batch-norm variances in [0.5, 1.5)),
 * so that biases, batch-norm statistics and scales are not their trivial initial values and every
 * layer changes what it passes on: what tests of model rewrites (folding, pruning, compiling)
 * compare before and after.
 */
export function randomizeWeights(model: tf.LayersModel, seed: number): void {
  const rng = createSeededRandom(seed);
  model.setWeights(
    model.weights.map((w) => {
      const variance = w.originalName.endsWith('moving_variance');
      return tf.tensor(Float32Array.from({ length: w.shape.reduce((a, b) => a! * b!, 1)! }, () => (variance ? 0.5 + rng.next() : rng.next() - 0.5)), w.shape as number[]);
    }),
  );
}

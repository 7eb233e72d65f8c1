import * as tf from '@tensorflow/tfjs';
import { featureSize, type Dataset } from '../../data/dataset.ts';
import { perturbBatch } from './perturb-batch.ts';
import type { PerturbationBox } from './perturbation-box.ts';
import type { PerturbationNorm } from './perturbation-norm.ts';

export interface RobustAccuracyOptions {
  readonly epsilon: number;
  readonly norm: PerturbationNorm;
  readonly steps: number;
  /** The first this many examples are attacked. */
  readonly examples: number;
  readonly seed: number;
  readonly batchSize?: number;
}

/**
 * The share of examples classified right both as they are and under PGD (random start) within
 * ε: the search's robustness constraint, on validation examples. The robustness step measures
 * the final model with the registered attacks instead; this is the same attack for trials, kept
 * here because the search sits below the security layer.
 */
export async function robustAccuracy(model: tf.LayersModel, ds: Dataset, box: PerturbationBox, options: RobustAccuracyOptions): Promise<number> {
  const n = Math.min(ds.n, options.examples);
  if (n === 0) return 0;
  const d = featureSize(ds);
  const batchSize = options.batchSize ?? 256;
  const forward = (x: tf.Tensor): tf.Tensor => model.apply(x, { training: false }) as tf.Tensor;
  let robust = 0;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const x = tf.tensor(ds.x.subarray(start * d, end * d), [end - start, ...ds.featureShape]);
    const y = tf.tensor1d(ds.y.subarray(start, end));
    try {
      const adversarial = perturbBatch(forward, x, y, box, { norm: options.norm, epsilon: options.epsilon, steps: options.steps, randomStart: true, seed: options.seed + start, stopOnSuccess: true });
      const hits = tf.tidy(() => {
        const label = tf.cast(y, 'int32');
        const clean = tf.equal(tf.argMax(forward(x), -1), label);
        const attacked = tf.equal(tf.argMax(forward(adversarial), -1), label);
        return tf.sum(tf.cast(tf.logicalAnd(clean, attacked), 'float32'));
      });
      adversarial.dispose();
      robust += (await hits.data())[0];
      hits.dispose();
    } finally {
      tf.dispose([x, y]);
    }
  }
  return robust / n;
}

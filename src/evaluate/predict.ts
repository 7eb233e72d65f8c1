import * as tf from '@tensorflow/tfjs';
import { featureSize, type Dataset } from '../data/dataset.ts';

export interface Predictions {
  /** Row-major [n, units]: class probabilities, or (one unit) predicted values. */
  readonly values: Float32Array;
  readonly units: number;
}

/**
 * Runs `model` over `input.n` examples in batches of `batchSize` (inference mode: dropout off,
 * batch norm on its moving statistics), holding one batch of tensors at a time.
 */
export async function predict(
  model: tf.LayersModel,
  input: Pick<Dataset, 'n' | 'featureShape' | 'x'>,
  options: { batchSize?: number } = {},
): Promise<Predictions> {
  const batchSize = options.batchSize ?? 256;
  const units = model.outputs[0].shape.at(-1) ?? 1;
  const d = featureSize(input);
  const values = new Float32Array(input.n * units);
  for (let start = 0; start < input.n; start += batchSize) {
    const end = Math.min(input.n, start + batchSize);
    const out = tf.tidy(() => {
      const x = tf.tensor(input.x.subarray(start * d, end * d), [end - start, ...input.featureShape]);
      return model.apply(x, { training: false }) as tf.Tensor;
    });
    values.set(await out.data(), start * units);
    out.dispose();
  }
  return { values, units };
}

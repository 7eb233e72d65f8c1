import * as tf from '@tensorflow/tfjs';
import { featureSize, type Dataset } from '../data/dataset.ts';
import { DeeplineError } from '../errors/index.ts';
import { infer } from './infer.ts';

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
  const expected = model.inputs[0].shape.slice(1);
  if (expected.length !== input.featureShape.length || expected.some((v, i) => v !== null && v !== input.featureShape[i])) {
    throw new DeeplineError('DL_DATA_FORMAT', `the model expects examples of shape [${expected.join(', ')}], but got [${input.featureShape.join(', ')}]`, {
      hint: 'predict on data prepared (read and normalised) the way the training data was',
    });
  }
  const batchSize = options.batchSize ?? 256;
  const units = model.outputs[0].shape.at(-1) ?? 1;
  const d = featureSize(input);
  const values = new Float32Array(input.n * units);
  for (let start = 0; start < input.n; start += batchSize) {
    const end = Math.min(input.n, start + batchSize);
    const out = tf.tidy(() => {
      const x = tf.tensor(input.x.subarray(start * d, end * d), [end - start, ...input.featureShape]);
      return infer(model, x)[0]!;
    });
    values.set(await out.data(), start * units);
    out.dispose();
  }
  return { values, units };
}

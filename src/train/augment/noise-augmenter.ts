import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { Augmenter } from './augmenter.ts';
import { batchRandom } from './batch-random.ts';

const optionsSchema = z.strictObject({
  /** Standard deviation of the noise, in the units of the (normalised) pixels. */
  std: z.number().gt(0),
});

export type NoiseOptions = z.infer<typeof optionsSchema>;

/** Adds independent Gaussian noise to every pixel. */
export const noiseAugmenter: Augmenter<NoiseOptions> = {
  name: 'noise',
  appliesTo: 'image',
  description: 'additive Gaussian pixel noise',
  optionsSchema,
  create(options, seed) {
    return (x, ctx) => {
      // tfjs's seeded generator runs in JS, so the noise is the same on every backend.
      const noiseSeed = batchRandom(seed, ctx).int(0x7fffffff) + 1;
      return tf.tidy(() => tf.add(tf.cast(x, 'float32'), tf.randomNormal(x.shape, 0, options.std, 'float32', noiseSeed)));
    };
  },
};

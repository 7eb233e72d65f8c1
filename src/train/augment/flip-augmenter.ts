import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { Augmenter } from './augmenter.ts';
import { batchRandom } from './batch-random.ts';

const optionsSchema = z.strictObject({
  /** `both`: horizontal and vertical flips drawn independently. */
  mode: z.enum(['horizontal', 'vertical', 'both']),
  /** Chance that each image is flipped (per direction). */
  probability: z.number().min(0).max(1).default(0.5),
});

export type FlipOptions = z.infer<typeof optionsSchema>;

/** Mirrors each image left-right and/or top-bottom with the given probability. */
export const flipAugmenter: Augmenter<FlipOptions> = {
  name: 'flip',
  appliesTo: 'image',
  description: 'random horizontal / vertical mirror images',
  optionsSchema,
  create(options, seed) {
    const axes = options.mode === 'both' ? [2, 1] : [options.mode === 'horizontal' ? 2 : 1];
    return (x, ctx) => {
      const random = batchRandom(seed, ctx);
      const b = x.shape[0];
      // Drawn in JS, per image and axis, so the choice is the same on every backend.
      const masks = axes.map(() => Array.from({ length: b }, () => random.next() < options.probability));
      return tf.tidy(() => {
        let out = x;
        axes.forEach((axis, a) => {
          const flip = tf.tensor(masks[a], [b, ...new Array<number>(x.rank - 1).fill(1)], 'bool');
          out = tf.where(flip, tf.reverse(out, axis), out);
        });
        return out === x ? tf.clone(x) : out;
      });
    };
  },
};

import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { Augmenter } from './augmenter.ts';
import { batchRandom } from './batch-random.ts';

/** Token ids with a fixed meaning in every deepline vocabulary. */
const PAD_ID = 0;
const OOV_ID = 1;

const optionsSchema = z.strictObject({
  /** Chance that each (non-padding) token is replaced. */
  rate: z.number().gt(0).lt(1),
  /** `oov`: the out-of-vocabulary id 1, so the length is kept; `pad`: id 0, as if the word were absent. */
  replaceWith: z.enum(['oov', 'pad']).default('oov'),
});

export type TokenDropoutOptions = z.infer<typeof optionsSchema>;

/** Replaces each token of [b, maxLen] id batches with the OOV or padding id at the given rate; padding stays padding. */
export const tokenDropoutAugmenter: Augmenter<TokenDropoutOptions> = {
  name: 'token-dropout',
  appliesTo: 'text',
  description: 'random token dropout',
  optionsSchema,
  create(options, seed) {
    const replacement = options.replaceWith === 'oov' ? OOV_ID : PAD_ID;
    return (x, ctx) => {
      const dropSeed = batchRandom(seed, ctx).int(0x7fffffff) + 1;
      return tf.tidy(() => {
        const drop = tf.logicalAnd(tf.less(tf.randomUniform(x.shape, 0, 1, 'float32', dropSeed), options.rate), tf.notEqual(x, PAD_ID));
        return tf.where(drop, tf.fill(x.shape, replacement, x.dtype), x);
      });
    };
  },
};

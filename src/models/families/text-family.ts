import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { addDenseHead } from './dense-head.ts';
import type { ModelFamily } from './model-family.ts';
import { tokenEmbedding } from './token-embedding.ts';

/** Embedding + global pooling + dense layers over a row of token ids (the `text-pool` family). */
export interface TextPoolGenome {
  readonly family: 'text-pool';
  /** Width of each token's learnt vector. */
  readonly embeddingDim: number;
  /** How the token vectors of a text become one: their mean, or their element-wise max. */
  readonly pooling: 'avg' | 'max';
  /** Units of the dense ReLU layers between the pooled vector and the head. */
  readonly dense: readonly number[];
  /** Dropout rate before each dense layer and before the head, in [0, 1). */
  readonly dropout: number;
}

const textPoolGenomeSchema = z.strictObject({
  family: z.literal('text-pool'),
  embeddingDim: z.int().min(1).max(1024),
  pooling: z.enum(['avg', 'max']),
  dense: z.array(z.int().min(1).max(8192)).max(8),
  dropout: z.number().min(0).lt(1),
});

/**
 * Bag-of-embeddings baseline for text classification and regression: the input is the `maxLen`
 * token ids the table transform makes of a text (0 = padding, 1 = out of vocabulary), `vocabSize`
 * (from the build context) sizes the embedding table. Padding is pooled like any token: tf.js's
 * global pooling layers take no mask, so the model learns a padding vector instead; it works
 * because the transform sets `maxLen` near the training lengths rather than far above them.
 */
export const textFamily: ModelFamily<TextPoolGenome> = {
  name: 'text-pool',
  modality: 'text',
  description: 'token embedding, global average/max pooling, then dense layers',
  genomeSchema: textPoolGenomeSchema,

  defaultGenome(_inputShape, outputs) {
    // 64-wide embeddings and one hidden layer separate keyword-driven classes in a few epochs on a CPU.
    return { family: 'text-pool', embeddingDim: 64, pooling: 'avg', dense: [Math.max(32, Math.min(128, 8 * outputs))], dropout: 0.2 };
  },

  build(genome, ctx) {
    const { head, seed } = ctx;
    const model = tf.sequential({ name: 'text_pool' });
    model.add(tokenEmbedding('text-pool', genome.embeddingDim, ctx));
    model.add(genome.pooling === 'avg' ? tf.layers.globalAveragePooling1d({ name: 'pool' }) : tf.layers.globalMaxPooling1d({ name: 'pool' }));
    addDenseHead(model, genome, head, seed, 1);
    return model;
  },
};

import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { DeeplineError } from '../../errors/index.ts';
import { kernelInitializer } from '../kernel-initializer.ts';
import { layerSeed } from '../layer-seed.ts';
import type { ModelFamily } from './model-family.ts';

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

  build(genome, { inputShape, head, seed, vocabSize }) {
    if (inputShape.length !== 1) {
      throw new DeeplineError('DL_TASK_FIELD', `the text-pool family needs a row of token ids of shape [maxLen], but got [${inputShape.join(', ')}]`, {
        hint: 'use it for text-classification, whose transform turns each text into token ids',
      });
    }
    if (vocabSize === undefined || !Number.isInteger(vocabSize) || vocabSize < 2) {
      throw new DeeplineError('DL_INTERNAL', `the text-pool family needs the vocabulary size of the data transform, but got ${String(vocabSize)}`, {
        hint: 'pass vocabSize (the transform\'s vocabulary length) when building a text model',
      });
    }
    const model = tf.sequential({ name: 'text_pool' });
    model.add(
      tf.layers.embedding({
        inputDim: vocabSize,
        outputDim: genome.embeddingDim,
        inputShape: [inputShape[0]],
        // Small uniform vectors, as Keras does: no token dominates the pooled mean at the start.
        embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: layerSeed(seed, 0) }),
        name: 'embedding',
      }),
    );
    model.add(genome.pooling === 'avg' ? tf.layers.globalAveragePooling1d({ name: 'pool' }) : tf.layers.globalMaxPooling1d({ name: 'pool' }));
    genome.dense.forEach((units, i) => {
      if (genome.dropout > 0) model.add(tf.layers.dropout({ rate: genome.dropout, name: `dropout_${i}` }));
      model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: kernelInitializer('relu', layerSeed(seed, i + 1)), name: `dense_${i}` }));
    });
    if (genome.dropout > 0) model.add(tf.layers.dropout({ rate: genome.dropout, name: 'dropout_head' }));
    model.add(
      tf.layers.dense({
        units: head.units,
        activation: head.activation,
        kernelInitializer: kernelInitializer(head.activation, layerSeed(seed, genome.dense.length + 1)),
        name: 'head',
      }),
    );
    return model;
  },
};

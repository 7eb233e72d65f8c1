import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { TextConvGenome } from '../genome.ts';
import { kernelInitializer } from '../kernel-initializer.ts';
import { layerSeed } from '../../seed/layer-seed.ts';
import { addDenseHead } from './dense-head.ts';
import type { ModelFamily } from './model-family.ts';
import { tokenEmbedding } from './token-embedding.ts';

const textConvGenomeSchema = z.strictObject({
  family: z.literal('text-conv'),
  embeddingDim: z.int().min(1).max(1024),
  convFilters: z.array(z.int().min(1).max(2048)).min(1).max(6),
  kernelSize: z.int().min(1).max(15),
  dense: z.array(z.int().min(1).max(8192)).max(8),
  dropout: z.number().min(0).lt(1),
});

/**
 * 1-D convolutions over token embeddings (Kim 2014): each filter learns an n-gram detector, and
 * global max pooling keeps its strongest match anywhere in the text, so word order counts
 * locally, unlike in `text-pool`. Between convolutions a 2x max pool widens the next one's view.
 */
export const textConvFamily: ModelFamily<TextConvGenome> = {
  name: 'text-conv',
  modality: 'text',
  description: 'token embedding, 1-D convolutions, global max pooling, then dense layers',
  genomeSchema: textConvGenomeSchema,

  defaultGenome(_inputShape, outputs) {
    return { family: 'text-conv', embeddingDim: 64, convFilters: [64], kernelSize: 3, dense: [Math.max(32, Math.min(128, 8 * outputs))], dropout: 0.2 };
  },

  build(genome, ctx) {
    const { head, seed } = ctx;
    const model = tf.sequential({ name: 'text_conv' });
    model.add(tokenEmbedding('text-conv', genome.embeddingDim, ctx));
    let length = ctx.inputShape[0];
    let li = 1;
    genome.convFilters.forEach((filters, i) => {
      // Pool before every convolution but the first, while the sequence is long enough to halve.
      if (i > 0 && length >= 2 * genome.kernelSize) {
        model.add(tf.layers.maxPooling1d({ poolSize: 2, strides: 2, name: `pool_${i}` }));
        length = Math.floor(length / 2);
      }
      model.add(
        tf.layers.conv1d({ filters, kernelSize: genome.kernelSize, padding: 'same', activation: 'relu', kernelInitializer: kernelInitializer('relu', layerSeed(seed, li++)), name: `conv_${i}` }),
      );
    });
    model.add(tf.layers.globalMaxPooling1d({ name: 'global_pool' }));
    addDenseHead(model, genome, head, seed, li);
    return model;
  },
};

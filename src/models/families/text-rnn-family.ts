import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { TextRnnGenome } from '../genome.ts';
import { kernelInitializer } from '../kernel-initializer.ts';
import { layerSeed } from '../../seed/layer-seed.ts';
import { addDenseHead } from './dense-head.ts';
import type { ModelFamily } from './model-family.ts';
import { tokenEmbedding } from './token-embedding.ts';

const textRnnGenomeSchema = z.strictObject({
  family: z.literal('text-rnn'),
  embeddingDim: z.int().min(1).max(1024),
  cell: z.enum(['gru', 'lstm']),
  units: z.int().min(1).max(1024),
  dense: z.array(z.int().min(1).max(8192)).max(8),
  dropout: z.number().min(0).lt(1),
});

/**
 * A bidirectional GRU or LSTM over token embeddings, its two final states concatenated. It reads
 * the whole order of the text, at the price of a step per token: on a CPU backend it is several
 * times slower per epoch than `text-conv`, so it suits short texts (small maxLen).
 */
export const textRnnFamily: ModelFamily<TextRnnGenome> = {
  name: 'text-rnn',
  modality: 'text',
  description: 'token embedding, bidirectional GRU or LSTM, then dense layers',
  genomeSchema: textRnnGenomeSchema,

  defaultGenome(_inputShape, outputs) {
    return { family: 'text-rnn', embeddingDim: 32, cell: 'gru', units: 32, dense: [Math.max(32, Math.min(128, 8 * outputs))], dropout: 0.2 };
  },

  build(genome, ctx) {
    const { head, seed } = ctx;
    const model = tf.sequential({ name: 'text_rnn' });
    model.add(tokenEmbedding('text-rnn', genome.embeddingDim, ctx));
    const cellArgs = {
      units: genome.units,
      kernelInitializer: kernelInitializer('tanh', layerSeed(seed, 1)),
      recurrentInitializer: tf.initializers.orthogonal({ seed: layerSeed(seed, 2) }),
    };
    // tfjs's Bidirectional builds the backward copy from this layer's config, seeds included.
    const cell = genome.cell === 'gru' ? tf.layers.gru(cellArgs) : tf.layers.lstm(cellArgs);
    model.add(tf.layers.bidirectional({ layer: cell as tf.RNN, mergeMode: 'concat', name: 'encoder' }));
    addDenseHead(model, genome, head, seed, 3);
    return model;
  },
};

import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { MlpGenome } from '../genome.ts';
import { kernelInitializer } from '../kernel-initializer.ts';
import { layerSeed } from '../../seed/layer-seed.ts';
import type { ModelFamily } from './model-family.ts';

const mlpGenomeSchema = z.strictObject({
  family: z.literal('mlp'),
  hidden: z.array(z.int().min(1).max(8192)).max(32),
  dropout: z.number().min(0).lt(1),
  batchNorm: z.boolean(),
  activation: z.enum(['relu', 'elu', 'selu', 'tanh', 'swish']),
});

/** Fully connected network for tabular rows (any input shape is flattened first). */
export const mlpFamily: ModelFamily<MlpGenome> = {
  name: 'mlp',
  modality: 'tabular',
  description: 'dense layers with optional batch norm and dropout',
  genomeSchema: mlpGenomeSchema,

  defaultGenome(inputShape, outputs) {
    const width = inputShape.reduce((a, b) => a * b, 1);
    // Wide enough for the inputs and the classes, small enough to train in seconds on a CPU.
    const first = Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(Math.max(width, outputs) * 2))));
    return { family: 'mlp', hidden: [first, Math.max(16, first / 2)], dropout: 0.1, batchNorm: false, activation: 'relu' };
  },

  build(genome, { inputShape, head, seed }) {
    const model = tf.sequential({ name: 'mlp' });
    model.add(tf.layers.inputLayer({ inputShape: [...inputShape], name: 'input' }));
    if (inputShape.length !== 1) model.add(tf.layers.flatten({ name: 'flatten' }));
    genome.hidden.forEach((units, i) => {
      model.add(
        tf.layers.dense({
          units,
          // Batch norm's shift makes a bias redundant.
          useBias: !genome.batchNorm,
          activation: genome.batchNorm ? 'linear' : genome.activation,
          kernelInitializer: kernelInitializer(genome.activation, layerSeed(seed, i)),
          name: `dense_${i}`,
        }),
      );
      if (genome.batchNorm) {
        model.add(tf.layers.batchNormalization({ name: `bn_${i}` }));
        model.add(tf.layers.activation({ activation: genome.activation, name: `act_${i}` }));
      }
      if (genome.dropout > 0) model.add(tf.layers.dropout({ rate: genome.dropout, name: `dropout_${i}` }));
    });
    model.add(
      tf.layers.dense({
        units: head.units,
        activation: head.activation,
        kernelInitializer: kernelInitializer(head.activation, layerSeed(seed, genome.hidden.length)),
        name: 'head',
      }),
    );
    return model;
  },
};

// A deepline plugin's model family: an MLP whose hidden layers all have one width, each added to
// its input (a residual connection), with layer normalisation. Deep residual MLPs train more
// stably than plain ones of the same depth. Registered for tabular data with its search space.
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';

const genomeSchema = z.strictObject({
  family: z.literal('residual-mlp'),
  width: z.int().min(4).max(2048),
  blocks: z.int().min(1).max(16),
  dropout: z.number().min(0).lt(1),
});

/** A seeded He-normal initializer, so a seed fixes the initial weights. */
const heNormal = (seed) => tf.initializers.heNormal({ seed });

export const residualMlpFamily = {
  name: 'residual-mlp',
  modality: 'tabular',
  description: 'equal-width dense blocks with residual connections and layer norm (a plugin: examples/plugins)',
  genomeSchema,

  defaultGenome(inputShape, outputs) {
    const features = inputShape.reduce((a, b) => a * b, 1);
    return { family: 'residual-mlp', width: Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(Math.max(features, outputs) * 2)))), blocks: 2, dropout: 0.1 };
  },

  build(genome, { inputShape, head, seed }) {
    const input = tf.input({ shape: [...inputShape], name: 'input' });
    let x = inputShape.length === 1 ? input : tf.layers.flatten({ name: 'flatten' }).apply(input);
    x = tf.layers.dense({ units: genome.width, activation: 'relu', kernelInitializer: heNormal(seed), name: 'stem' }).apply(x);
    for (let i = 0; i < genome.blocks; i++) {
      let y = tf.layers.layerNormalization({ name: `norm_${i}` }).apply(x);
      y = tf.layers.dense({ units: genome.width, activation: 'relu', kernelInitializer: heNormal(seed + i + 1), name: `dense_${i}` }).apply(y);
      if (genome.dropout > 0) y = tf.layers.dropout({ rate: genome.dropout, name: `dropout_${i}` }).apply(y);
      x = tf.layers.add({ name: `residual_${i}` }).apply([x, y]);
    }
    const output = tf.layers.dense({ units: head.units, activation: head.activation, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 999 }), name: 'head' }).apply(x);
    return tf.model({ inputs: input, outputs: output, name: 'residual_mlp' });
  },
};

/** Its search space: the architecture, then the training settings every family's space has. */
export const residualMlpSpace = {
  family: 'residual-mlp',

  space() {
    return {
      params: [
        { name: 'width', kind: 'int', low: 16, high: 256, log: true },
        { name: 'blocks', kind: 'int', low: 1, high: 4 },
        { name: 'dropout', kind: 'float', low: 0, high: 0.4 },
        { name: 'learningRate', kind: 'float', low: 1e-4, high: 1e-2, log: true },
        { name: 'batchSize', kind: 'categorical', choices: [16, 32, 64] },
        { name: 'epochs', kind: 'int', low: 10, high: 60 },
      ],
    };
  },

  genomeFromParams(params) {
    return genomeSchema.parse({ family: 'residual-mlp', width: params.width, blocks: params.blocks, dropout: params.dropout });
  },

  trainingFromParams(params) {
    return { learningRate: params.learningRate, batchSize: params.batchSize, epochs: params.epochs };
  },

  defaultParams(inputShape, outputs, training) {
    const genome = residualMlpFamily.defaultGenome(inputShape, outputs);
    return { width: genome.width, blocks: genome.blocks, dropout: genome.dropout, learningRate: training.learningRate, batchSize: training.batchSize, epochs: training.epochs };
  },
};

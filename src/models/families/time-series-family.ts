import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { DeeplineError } from '../../errors/index.ts';
import { kernelInitializer } from '../kernel-initializer.ts';
import { layerSeed } from '../../seed/layer-seed.ts';
import { addDenseHead } from './dense-head.ts';
import type { ModelFamily } from './model-family.ts';

/** A windowed 1-D CNN over [window, channels] (the `series-cnn` family). */
export interface SeriesCnnGenome {
  readonly family: 'series-cnn';
  /** Filters of every convolution layer. */
  readonly filters: number;
  /** Time steps each convolution spans. */
  readonly kernelSize: number;
  /** Convolution layers, stacked. */
  readonly layers: number;
  /** Units of the dense ReLU layers between the flattened features and the head. */
  readonly dense: readonly number[];
  /** Dropout rate before each dense layer and before the head, in [0, 1). */
  readonly dropout: number;
}

const seriesCnnGenomeSchema = z.strictObject({
  family: z.literal('series-cnn'),
  filters: z.int().min(1).max(1024),
  kernelSize: z.int().min(1).max(256),
  layers: z.int().min(1).max(8),
  dense: z.array(z.int().min(1).max(8192)).max(8),
  dropout: z.number().min(0).lt(1),
});

/**
 * Convolutions along time with 'same' padding, then the feature map is flattened rather than
 * pooled: where in the window a pattern sits (the last step above all) is what forecasting
 * needs, and global pooling would throw it away. The head is single-output and linear
 * (regression on the standardised target, trained with MSE by the task's loss).
 */
export const timeSeriesFamily: ModelFamily<SeriesCnnGenome> = {
  name: 'series-cnn',
  modality: 'series',
  description: 'windowed 1-D convolutions along time, flattened, then dense layers',
  genomeSchema: seriesCnnGenomeSchema,

  defaultGenome(inputShape) {
    // Kernels of a week's span suit daily data; shorter windows get kernels that still fit them.
    const kernelSize = Math.max(2, Math.min(7, inputShape[0] ?? 7));
    return { family: 'series-cnn', filters: 32, kernelSize, layers: 2, dense: [64], dropout: 0 };
  },

  build(genome, { inputShape, head, seed }) {
    if (inputShape.length !== 2) {
      throw new DeeplineError('DL_TASK_FIELD', `the series-cnn family needs windows of shape [window, channels], but got [${inputShape.join(', ')}]`, {
        hint: 'use it for time-series-forecasting, whose window step makes such examples',
      });
    }
    const model = tf.sequential({ name: 'series_cnn' });
    for (let i = 0; i < genome.layers; i++) {
      model.add(
        tf.layers.conv1d({
          filters: genome.filters,
          kernelSize: Math.min(genome.kernelSize, inputShape[0]),
          padding: 'same',
          activation: 'relu',
          kernelInitializer: kernelInitializer('relu', layerSeed(seed, i)),
          name: `conv_${i}`,
          ...(i === 0 && { inputShape: [inputShape[0], inputShape[1]] }),
        }),
      );
    }
    model.add(tf.layers.flatten({ name: 'flatten' }));
    addDenseHead(model, genome, head, seed, genome.layers);
    return model;
  },
};

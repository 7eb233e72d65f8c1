import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { DeeplineError } from '../../errors/index.ts';
import { kernelInitializer } from '../kernel-initializer.ts';
import { layerSeed } from '../../seed/layer-seed.ts';
import { addDenseHead } from './dense-head.ts';
import type { ModelFamily } from './model-family.ts';

/** A recurrent forecaster over [window, channels] (the `series-gru` family). */
export interface SeriesGruGenome {
  readonly family: 'series-gru';
  /** Units of every GRU layer. */
  readonly units: number;
  /** GRU layers, stacked; all but the last return their whole sequence to the next. */
  readonly layers: number;
  /** Units of the dense ReLU layers between the last state and the head. */
  readonly dense: readonly number[];
  /** Dropout rate before each dense layer and before the head, in [0, 1). */
  readonly dropout: number;
}

const seriesGruGenomeSchema = z.strictObject({
  family: z.literal('series-gru'),
  units: z.int().min(1).max(1024),
  layers: z.int().min(1).max(4),
  dense: z.array(z.int().min(1).max(8192)).max(8),
  dropout: z.number().min(0).lt(1),
});

/**
 * GRUs read the window forward in time, and the last state, which has seen every step with the
 * most recent last, feeds the dense layers and a single linear output (regression on the
 * standardised target). Unlike `series-cnn` it carries state across any lag in the window, at
 * the price of one step per time step: slower per epoch on a CPU.
 */
export const seriesGruFamily: ModelFamily<SeriesGruGenome> = {
  name: 'series-gru',
  modality: 'series',
  description: 'stacked GRUs along time, the last state, then dense layers',
  genomeSchema: seriesGruGenomeSchema,

  defaultGenome() {
    return { family: 'series-gru', units: 32, layers: 1, dense: [32], dropout: 0 };
  },

  build(genome, { inputShape, head, seed }) {
    if (inputShape.length !== 2) {
      throw new DeeplineError('DL_TASK_FIELD', `the series-gru family needs windows of shape [window, channels], but got [${inputShape.join(', ')}]`, {
        hint: 'use it for time-series-forecasting, whose window step makes such examples',
      });
    }
    const model = tf.sequential({ name: 'series_gru' });
    for (let i = 0; i < genome.layers; i++) {
      model.add(
        tf.layers.gru({
          units: genome.units,
          returnSequences: i < genome.layers - 1,
          kernelInitializer: kernelInitializer('tanh', layerSeed(seed, 2 * i)),
          recurrentInitializer: tf.initializers.orthogonal({ seed: layerSeed(seed, 2 * i + 1) }),
          ...(i === 0 && { inputShape: [...inputShape] }),
          name: `gru_${i}`,
        }),
      );
    }
    addDenseHead(model, genome, head, seed, 2 * genome.layers);
    return model;
  },
};

import * as tf from '@tensorflow/tfjs';
import { kernelInitializer } from '../kernel-initializer.ts';
import { layerSeed } from '../../seed/layer-seed.ts';
import type { HeadSpec } from './model-family.ts';

/**
 * Appends the end every sequential family shares: per width in `dense`, dropout (when > 0) and a
 * ReLU dense layer (`dropout_i`, `dense_i`), then dropout and the task's head (`dropout_head`,
 * `head`). Layer seeds are `firstSeed`, `firstSeed + 1`, … for the dense layers, then the head's.
 */
export function addDenseHead(model: tf.Sequential, genome: { readonly dense: readonly number[]; readonly dropout: number }, head: HeadSpec, seed: number, firstSeed: number): void {
  let li = firstSeed;
  genome.dense.forEach((units, i) => {
    if (genome.dropout > 0) model.add(tf.layers.dropout({ rate: genome.dropout, name: `dropout_${i}` }));
    model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: kernelInitializer('relu', layerSeed(seed, li++)), name: `dense_${i}` }));
  });
  if (genome.dropout > 0) model.add(tf.layers.dropout({ rate: genome.dropout, name: 'dropout_head' }));
  model.add(tf.layers.dense({ units: head.units, activation: head.activation, kernelInitializer: kernelInitializer(head.activation, layerSeed(seed, li)), name: 'head' }));
}

import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { DeeplineError } from '../../errors/index.ts';
import type { CnnBlock, CnnGenome } from '../genome.ts';
import { kernelInitializer } from '../kernel-initializer.ts';
import { layerSeed } from '../../seed/layer-seed.ts';
import type { ModelFamily } from './model-family.ts';

const cnnGenomeSchema = z.strictObject({
  family: z.literal('cnn'),
  blocks: z
    .array(
      z.strictObject({
        kind: z.enum(['conv', 'residual', 'separable']).optional(),
        filters: z.int().min(1).max(2048),
        kernelSize: z.int().min(1).max(15),
        pool: z.enum(['max', 'avg', 'none']),
        batchNorm: z.boolean(),
      }),
    )
    .min(1)
    .max(16),
  dense: z.array(z.int().min(1).max(8192)).max(8),
  dropout: z.number().min(0).lt(1),
  globalPool: z.enum(['avg', 'max', 'none']),
});

/** Convolutional network for images of shape [height, width] or [height, width, channels]. */
export const cnnFamily: ModelFamily<CnnGenome> = {
  name: 'cnn',
  modality: 'image',
  description: 'conv, residual or depthwise-separable blocks (batch norm, ReLU, 2x2 pool), global pooling, then dense layers',
  genomeSchema: cnnGenomeSchema,

  defaultGenome(inputShape) {
    const [h, w] = imageShape(inputShape);
    const side = Math.min(h, w);
    const block = (filters: number): CnnBlock => ({ filters, kernelSize: 3, pool: 'max', batchNorm: true });
    // Tiny images (8x8 digits, 16x16 icons) lose too much to global pooling: flatten instead.
    // 16/32 filters reach ~0.98 on the 8x8 digits at a sixth of the time of 32/64 (-0.01).
    if (side <= 16) return { family: 'cnn', blocks: [block(16), block(32)], dense: [64], dropout: 0.25, globalPool: 'none' };
    if (side <= 64) return { family: 'cnn', blocks: [block(32), block(64), block(128)], dense: [128], dropout: 0.3, globalPool: 'avg' };
    return { family: 'cnn', blocks: [block(32), block(64), block(128), block(256)], dense: [256], dropout: 0.3, globalPool: 'avg' };
  },

  build(genome, { inputShape, head, seed }) {
    let [h, w, c] = imageShape(inputShape);
    const input = tf.input({ shape: [...inputShape], name: 'input' });
    let x: tf.SymbolicTensor = input;
    if (inputShape.length === 2) x = apply(tf.layers.reshape({ targetShape: [h, w, c], name: 'add_channel' }), x);
    // Plain conv blocks take one seed index each, residual blocks take three: a genome of conv
    // blocks gets the same initial weights as when it was built with a sequential model.
    let li = 0;
    const nextSeed = (): number => layerSeed(seed, li++);
    genome.blocks.forEach((block, i) => {
      const kind = block.kind ?? 'conv';
      if (kind === 'residual') x = residualBlock(x, block, i, c, nextSeed);
      else {
        x = apply(kind === 'separable' ? separableConv(block, i, nextSeed()) : conv(block, `conv_${i}`, nextSeed()), x);
        if (block.batchNorm) x = batchNormRelu(x, `${i}`);
      }
      c = block.filters;
      // Deep genomes on small images would pool below one pixel; those pools become no-ops.
      if (block.pool !== 'none' && h >= 2 && w >= 2) {
        const args = { poolSize: 2, strides: 2, name: `pool_${i}` };
        x = apply(block.pool === 'max' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args), x);
        h = Math.floor(h / 2);
        w = Math.floor(w / 2);
      }
    });
    if (genome.globalPool === 'avg') x = apply(tf.layers.globalAveragePooling2d({ name: 'global_pool' }), x);
    else if (genome.globalPool === 'max') x = apply(tf.layers.globalMaxPooling2d({ name: 'global_pool' }), x);
    else x = apply(tf.layers.flatten({ name: 'flatten' }), x);
    genome.dense.forEach((units, i) => {
      if (genome.dropout > 0) x = apply(tf.layers.dropout({ rate: genome.dropout, name: `dropout_${i}` }), x);
      x = apply(tf.layers.dense({ units, activation: 'relu', kernelInitializer: kernelInitializer('relu', nextSeed()), name: `dense_${i}` }), x);
    });
    if (genome.dropout > 0) x = apply(tf.layers.dropout({ rate: genome.dropout, name: 'dropout_head' }), x);
    const output = apply(
      tf.layers.dense({ units: head.units, activation: head.activation, kernelInitializer: kernelInitializer(head.activation, layerSeed(seed, li)), name: 'head' }),
      x,
    );
    return tf.model({ inputs: input, outputs: output, name: 'cnn' });
  },
};

function apply(layer: tf.layers.Layer, x: tf.SymbolicTensor): tf.SymbolicTensor {
  return layer.apply(x) as tf.SymbolicTensor;
}

/** A 'same'-padded convolution; under batch norm it has no bias (the norm's shift replaces it) and no activation yet. */
function conv(block: CnnBlock, name: string, seed: number, activate = true): tf.layers.Layer {
  return tf.layers.conv2d({
    filters: block.filters,
    kernelSize: block.kernelSize,
    padding: 'same',
    useBias: !block.batchNorm,
    activation: block.batchNorm || !activate ? 'linear' : 'relu',
    kernelInitializer: kernelInitializer('relu', seed),
    name,
  });
}

function separableConv(block: CnnBlock, i: number, seed: number): tf.layers.Layer {
  return tf.layers.separableConv2d({
    filters: block.filters,
    kernelSize: block.kernelSize,
    padding: 'same',
    useBias: !block.batchNorm,
    activation: block.batchNorm ? 'linear' : 'relu',
    depthwiseInitializer: kernelInitializer('relu', seed),
    pointwiseInitializer: kernelInitializer('relu', layerSeed(seed, 1)),
    name: `sepconv_${i}`,
  });
}

function batchNormRelu(x: tf.SymbolicTensor, suffix: string): tf.SymbolicTensor {
  const normed = apply(tf.layers.batchNormalization({ name: `bn_${suffix}` }), x);
  return apply(tf.layers.activation({ activation: 'relu', name: `relu_${suffix}` }), normed);
}

/**
 * conv → (bn) → relu → conv → (bn), added to the input, then relu (He et al. 2016). The shortcut
 * is the identity when the channel count is kept, else a 1x1 convolution to match it.
 */
function residualBlock(x: tf.SymbolicTensor, block: CnnBlock, i: number, channels: number, nextSeed: () => number): tf.SymbolicTensor {
  let y = apply(conv(block, `conv_${i}a`, nextSeed()), x);
  if (block.batchNorm) y = batchNormRelu(y, `${i}a`);
  y = apply(conv(block, `conv_${i}b`, nextSeed(), false), y);
  if (block.batchNorm) y = apply(tf.layers.batchNormalization({ name: `bn_${i}b` }), y);
  const projectSeed = nextSeed();
  const shortcut =
    channels === block.filters
      ? x
      : apply(tf.layers.conv2d({ filters: block.filters, kernelSize: 1, useBias: false, kernelInitializer: kernelInitializer('linear', projectSeed), name: `project_${i}` }), x);
  const sum = tf.layers.add({ name: `add_${i}` }).apply([y, shortcut]) as tf.SymbolicTensor;
  return apply(tf.layers.activation({ activation: 'relu', name: `relu_${i}` }), sum);
}

function imageShape(inputShape: readonly number[]): [number, number, number] {
  if (inputShape.length === 2) return [inputShape[0], inputShape[1], 1];
  if (inputShape.length === 3) return [inputShape[0], inputShape[1], inputShape[2]];
  throw new DeeplineError('DL_TASK_FIELD', `the cnn family needs image input of shape [height, width(, channels)], but got [${inputShape.join(', ')}]`, {
    hint: 'use model family mlp for tabular data, or read the data as images',
  });
}

import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/dataset.ts';
import { taskLoss } from '../../models/losses.ts';
import { createSeededRandom } from '../../seed/seeded-random.ts';
import { batchTensors } from '../../train/batch-tensors.ts';
import type { ChannelGraph, ChannelSpace } from './channel-graph.ts';
import { weightSuffix } from './prune-channels.ts';

/**
 * How a channel's importance is judged: `l1`, the L1 norm of its filter (Li et al. 2017), scaled
 * by the batch norm that follows it, so a filter whose output batch norm silences scores low;
 * `taylor`, the first-order Taylor estimate of the loss change when the channel is removed
 * (Molchanov et al. 2019): (Σ g·w)² over the channel's weights, averaged over training batches.
 */
export type ImportanceCriterion = 'l1' | 'taylor';

export interface TaylorData {
  readonly train: Dataset;
  /** Batches the gradients are averaged over. */
  readonly batches: number;
  readonly batchSize: number;
  readonly seed: number;
}

/** Scores per channel of every prunable space, by space key (higher: more important). */
export async function channelImportance(model: tf.LayersModel, graph: ChannelGraph, criterion: ImportanceCriterion, data?: TaylorData): Promise<Map<string, Float32Array>> {
  const spaces = graph.spaces.filter((s) => !s.frozen);
  if (criterion === 'l1' || !data) return new Map(spaces.map((s) => [s.key, l1Scores(s)]));
  return taylorScores(model, spaces, data);
}

function weightOf(layer: tf.layers.Layer, suffix: string): { values: Float32Array; shape: number[] } | undefined {
  const w = layer.weights.find((v) => weightSuffix(v.originalName) === suffix);
  if (!w) return undefined;
  const t = w.read();
  return { values: t.dataSync() as Float32Array, shape: t.shape };
}

/** Σ over every axis but the last of f(value): one figure per output channel. */
function perOutputChannel(w: { values: Float32Array; shape: number[] }, f: (v: number, i: number) => number): Float32Array {
  const channels = w.shape.at(-1)!;
  const out = new Float32Array(channels);
  for (let i = 0; i < w.values.length; i++) out[i % channels] += f(w.values[i]!, i);
  return out;
}

function l1Scores(space: ChannelSpace): Float32Array {
  const scores = new Float32Array(space.size);
  for (const { layer, batchNorm } of space.producers) {
    const kernel = weightOf(layer, layer.getClassName() === 'SeparableConv2D' ? 'pointwise_kernel' : 'kernel')!;
    const norms = perOutputChannel(kernel, Math.abs);
    const scale = batchNorm ? batchNormScale(batchNorm) : undefined;
    for (let c = 0; c < space.size; c++) scores[c] += norms[c]! * (scale ? Math.abs(scale[c]!) : 1);
  }
  return scores;
}

/** γ / √(σ² + ε) per channel: what batch norm multiplies each channel by at inference. */
function batchNormScale(bn: tf.layers.Layer): Float32Array {
  const epsilon = Number((bn.getConfig() as { epsilon?: number }).epsilon ?? 1e-3);
  const variance = weightOf(bn, 'moving_variance')!.values;
  const gamma = weightOf(bn, 'gamma')?.values;
  return variance.map((v, c) => (gamma?.[c] ?? 1) / Math.sqrt(v + epsilon));
}

/** The weights whose g·w sums make up each channel's Taylor term: producers' kernels and biases, batch norms' γ and β. */
function channelWeights(space: ChannelSpace): tf.LayerVariable[] {
  const found: tf.LayerVariable[] = [];
  for (const { layer } of space.producers) {
    for (const w of layer.trainableWeights) if (['kernel', 'pointwise_kernel', 'bias'].includes(weightSuffix(w.originalName))) found.push(w);
  }
  for (const layer of space.members) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    for (const w of layer.trainableWeights) if (['gamma', 'beta'].includes(weightSuffix(w.originalName))) found.push(w);
  }
  return found;
}

async function taylorScores(model: tf.LayersModel, spaces: ChannelSpace[], data: TaylorData): Promise<Map<string, Float32Array>> {
  const task = taskLoss(data.train.target);
  const order = createSeededRandom(data.seed).shuffle(Uint32Array.from({ length: data.train.n }, (_, i) => i));
  const bySpace = spaces.map((s) => ({ space: s, weights: channelWeights(s) }));
  const variables = [...new Set(bySpace.flatMap((s) => s.weights))];
  const scores = new Map(spaces.map((s) => [s.key, new Float32Array(s.size)]));
  let batches = 0;
  for (let start = 0; start < data.train.n && batches < data.batches; start += data.batchSize, batches++) {
    const end = Math.min(data.train.n, start + data.batchSize);
    const batch = batchTensors(data.train, start, end, order);
    const products = tf.tidy(() => {
      const vars = variables.map((v) => v.read() as tf.Variable);
      const { grads } = tf.variableGrads(() => task.loss(batch.y, model.apply(batch.x, { training: false }) as tf.Tensor), vars);
      // Σ g·w per output channel (the last axis) of every weight.
      return variables.map((v, k) => {
        const product = tf.mul(grads[vars[k]!.name]!, vars[k]!);
        return product.rank <= 1 ? product : tf.sum(tf.reshape(product, [-1, product.shape.at(-1)!]), 0);
      });
    });
    tf.dispose([batch.x, batch.y]);
    const sums = await Promise.all(products.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(products);
    for (const { space, weights } of bySpace) {
      const perChannel = new Float32Array(space.size);
      for (const w of weights) {
        const s = sums[variables.indexOf(w)]!;
        for (let c = 0; c < space.size; c++) perChannel[c] += s[c]!;
      }
      const total = scores.get(space.key)!;
      for (let c = 0; c < space.size; c++) total[c] += perChannel[c]! ** 2;
    }
  }
  for (const s of scores.values()) for (let c = 0; c < s.length; c++) s[c] /= Math.max(1, batches);
  return scores;
}

import * as tf from '@tensorflow/tfjs';
import type { FitOptimizer } from './training-recipe.ts';

export interface TrainingMemoryEstimate {
  readonly totalMB: number;
  /** Weights, plus each trainable one's gradient, optimizer slots and update temporaries. */
  readonly weightsMB: number;
  /** The input batch and what each layer keeps of its output size (values, saved intermediates, gradients). */
  readonly activationsMB: number;
}

const BYTES = 4;
const MB = 1024 * 1024;

/**
 * Float32 values per trainable weight a training step peaks at beyond the weight itself, as tfjs
 * 4 allocates them with fitModel's settings (measured, tf.profile): the gradient, the optimizer's
 * slots (Adam 2, momentum SGD 1, RMSprop 2: it allocates its momentum buffer even at momentum 0)
 * and the update's temporaries, which tfjs keeps until every variable has been updated.
 */
const STEP_FLOATS_PER_WEIGHT: Readonly<Record<FitOptimizer, number>> = { adam: 17, sgd: 6, rmsprop: 18 };

/**
 * Float32 values per example, time step and unit that a recurrent layer holds in one step:
 * tfjs unrolls it, keeping every step's gate values, their gradients and the recurrent kernel's
 * per-step gradient (measured at batch 64 with 16-64 units and features; the upper end is taken).
 */
const RNN_FLOATS_PER_STEP_UNIT: Readonly<Record<string, number>> = { LSTM: 125, GRU: 110 };

/**
 * Float32 tensors of a layer's output size that tfjs holds during one training step, measured on
 * the cpu and wasm backends (tf.profile's peak, batch 64): the forward output, the values its
 * kernels saved for backprop, and the gradients of all of them. The textbook two (value and
 * gradient) fall well short in tfjs: a Conv2D with ReLU keeps its pre-activation, a batch norm
 * in training keeps centred, scaled and normalised copies.
 */
const TENSORS_PER_OUTPUT: Readonly<Record<string, number>> = {
  Dense: 6,
  Conv1D: 8,
  Conv2D: 6,
  DepthwiseConv2D: 6,
  SeparableConv2D: 8,
  BatchNormalization: 16,
  Dropout: 5,
  Embedding: 6,
};
/** Poolings count their input's size: their backward makes a gradient that large. */
const POOLS = new Set(['MaxPooling1D', 'MaxPooling2D', 'AveragePooling1D', 'AveragePooling2D']);
/** Any other layer (activation, flatten, add, global pooling...): its value and its gradient. */
const DEFAULT_TENSORS = 2;

/**
 * An estimate, not a measurement, of the memory one training step of `model` needs at
 * `batchSize` (float32 throughout), for rejecting a model before it trains: the weights, each
 * trainable one's gradient, optimizer slots and update temporaries; then the input batch and,
 * per layer, its output times the tensors tfjs keeps of that size. The per-kind factors were
 * measured with tfjs 4 on the cpu and wasm backends, where the estimate came out 1.0-1.6× the
 * measured peak across the built-in families; it is upper-ish because the optimizer's peak and
 * the activations' peak are added although they do not coincide. Layer kinds not in the tables
 * count value + gradient only and may be underestimated, as may tfjs-node's or a GPU's scratch.
 */
export function estimateTrainingMemoryMB(model: tf.LayersModel, batchSize: number, optimizer: FitOptimizer = 'adam'): TrainingMemoryEstimate {
  const all = model.countParams();
  const trainable = model.trainableWeights.reduce((n, w) => n + elements(w.shape), 0);
  const weightsMB = ((all + trainable * STEP_FLOATS_PER_WEIGHT[optimizer]) * BYTES) / MB;
  const inputs = model.inputs.reduce((n, t) => n + elements(t.shape), 0);
  const activationsMB = (batchSize * (inputs + layerOutputs(model.layers)) * BYTES) / MB;
  return { totalMB: weightsMB + activationsMB, weightsMB, activationsMB };
}

/** Elements per example that the layers keep during a step, inside nested models too. */
function layerOutputs(layers: readonly tf.layers.Layer[]): number {
  let n = 0;
  for (const layer of layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    if (layer instanceof tf.LayersModel) {
      n += layerOutputs(layer.layers);
      continue;
    }
    const kind = layer.getClassName();
    const sized = POOLS.has(kind) ? inputOf(layer).shape : layer.outputShape;
    const shapes = Array.isArray(sized[0]) ? (sized as tf.Shape[]) : [sized as tf.Shape];
    n += (TENSORS_PER_OUTPUT[kind] ?? DEFAULT_TENSORS) * shapes.reduce((sum, s) => sum + elements(s), 0) + rnnStates(layer);
  }
  return n;
}

/** What a recurrent layer (or a bidirectional pair) keeps per example across its time steps. */
function rnnStates(layer: tf.layers.Layer): number {
  const pair = layer.getClassName() === 'Bidirectional';
  const rnn = pair ? (layer as unknown as { forwardLayer: tf.layers.Layer }).forwardLayer : layer;
  const perUnit = RNN_FLOATS_PER_STEP_UNIT[rnn.getClassName()];
  if (perUnit === undefined) return 0;
  const units = (rnn as unknown as { cell: { units: number } }).cell.units;
  return (inputOf(layer).shape[1] ?? 1) * perUnit * units * (pair ? 2 : 1);
}

function inputOf(layer: tf.layers.Layer): tf.SymbolicTensor {
  return Array.isArray(layer.input) ? layer.input[0] : layer.input;
}

/** Elements per example: the batch axis (null) and any other unknown length count as 1. */
function elements(shape: readonly (number | null)[]): number {
  return shape.reduce<number>((n, d) => n * (d ?? 1), 1);
}

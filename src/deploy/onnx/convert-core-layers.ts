import type * as tf from '@tensorflow/tfjs';
import { DeeplineError } from '../../errors/index.ts';
import { layerWeight, optionalLayerWeight } from './layer-weights.ts';
import type { OnnxGraph } from './onnx-graph.ts';

/** Turns one TF.js layer into ONNX nodes reading `inputs`; returns the name of its output. */
export type LayerConverter = (layer: tf.layers.Layer, inputs: readonly string[], graph: OnnxGraph) => string;

type Config = Record<string, unknown>;

/** A layer setting the exporter cannot write: named, with the layer, at export time. */
export function unsupported(layer: tf.layers.Layer, what: string): DeeplineError {
  return new DeeplineError('DL_EXPORT', `cannot export layer ${layer.name} (${layer.getClassName()}) to ONNX: ${what}`, {
    hint: 'the TF.js model in model/ holds every layer; for ONNX, choose a family or search.space without this one, or set `export: []`',
  });
}

/** Applies a Keras activation by name (as `getConfig()` serialises it). */
export function activation(layer: tf.layers.Layer, name: string, x: string, graph: OnnxGraph): string {
  const base = `${layer.name}/${name}`;
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return graph.node('Relu', [x], base);
    case 'sigmoid':
      return graph.node('Sigmoid', [x], base);
    case 'tanh':
      return graph.node('Tanh', [x], base);
    case 'softmax':
      return graph.node('Softmax', [x], base, { axis: -1 });
    case 'elu':
      return graph.node('Elu', [x], base, { alpha: { float: 1 } });
    case 'selu':
      // Keras's constants, written out: ONNX's defaults are rounded differently.
      return graph.node('Selu', [x], base, { alpha: { float: 1.6732632423543772 }, gamma: { float: 1.0507009873554805 } });
    case 'softplus':
      return graph.node('Softplus', [x], base);
    case 'softsign':
      return graph.node('Softsign', [x], base);
    case 'hardSigmoid':
      return graph.node('HardSigmoid', [x], base, { alpha: { float: 0.2 }, beta: { float: 0.5 } });
    case 'relu6':
      return graph.node('Clip', [x, graph.floats(`${base}/min`, new Float32Array([0]), []), graph.floats(`${base}/max`, new Float32Array([6]), [])], base);
    case 'swish':
      return graph.node('Mul', [x, graph.node('Sigmoid', [x], `${base}/sigmoid`)], base);
    default:
      throw unsupported(layer, `activation ${name}`);
  }
}

function configOf(layer: tf.layers.Layer): Config {
  return layer.getConfig() as Config;
}

/** The rank of the layer's input, batch axis included. */
function inputRank(layer: tf.layers.Layer): number {
  const input = layer.input;
  return (Array.isArray(input) ? input[0]! : input).shape.length;
}

/** Dense: x·W + b over the last axis (MatMul broadcasts over any leading axes), then the activation. */
const dense: LayerConverter = (layer, [x], graph) => {
  const kernel = layerWeight(layer, 'kernel');
  let y = graph.node('MatMul', [x!, graph.floats(`${layer.name}/kernel`, kernel.values, kernel.shape)], `${layer.name}/matmul`);
  const bias = optionalLayerWeight(layer, 'bias');
  if (bias) y = graph.node('Add', [y, graph.floats(`${layer.name}/bias`, bias.values, bias.shape)], `${layer.name}/bias_add`);
  return activation(layer, String(configOf(layer).activation), y, graph);
};

/**
 * Batch norm in inference mode over the last axis, as one scale and one shift per channel
 * (folded from gamma, beta, the moving mean and variance): exact, and it broadcasts over the
 * channels-last layout without transposes.
 */
const batchNormalization: LayerConverter = (layer, [x], graph) => {
  const config = configOf(layer);
  const axis = Number(config.axis ?? -1);
  if (axis !== -1 && axis !== inputRank(layer) - 1) throw unsupported(layer, `normalisation over axis ${axis} (only the last axis is exported)`);
  const epsilon = Number(config.epsilon ?? 1e-3);
  const mean = layerWeight(layer, 'moving_mean').values;
  const variance = layerWeight(layer, 'moving_variance').values;
  const gamma = config.scale === false ? undefined : layerWeight(layer, 'gamma').values;
  const beta = config.center === false ? undefined : layerWeight(layer, 'beta').values;
  const channels = mean.length;
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    scale[c] = (gamma?.[c] ?? 1) / Math.sqrt(variance[c]! + epsilon);
    shift[c] = (beta?.[c] ?? 0) - mean[c]! * scale[c]!;
  }
  const scaled = graph.node('Mul', [x!, graph.floats(`${layer.name}/scale`, scale, [channels])], `${layer.name}/scale`);
  return graph.node('Add', [scaled, graph.floats(`${layer.name}/shift`, shift, [channels])], layer.name);
};

const layerNormalization: LayerConverter = (layer, [x], graph) => {
  const config = configOf(layer);
  const axes = Array.isArray(config.axis) ? (config.axis as number[]) : [Number(config.axis ?? -1)];
  if (axes.length !== 1 || (axes[0] !== -1 && axes[0] !== inputRank(layer) - 1)) {
    throw unsupported(layer, `normalisation over axes ${axes.join(', ')} (only the last axis is exported)`);
  }
  const gamma = config.scale === false ? undefined : layerWeight(layer, 'gamma');
  const beta = config.center === false ? undefined : layerWeight(layer, 'beta');
  const channels = (gamma ?? beta)?.shape[0];
  if (channels === undefined) throw unsupported(layer, 'layer normalisation without scale and center');
  const scale = gamma ? graph.floats(`${layer.name}/gamma`, gamma.values, gamma.shape) : graph.floats(`${layer.name}/gamma`, new Float32Array(channels).fill(1), [channels]);
  const bias = beta ? graph.floats(`${layer.name}/beta`, beta.values, beta.shape) : graph.floats(`${layer.name}/beta`, new Float32Array(channels), [channels]);
  return graph.node('LayerNormalization', [x!, scale, bias], layer.name, { axis: -1, epsilon: { float: Number(config.epsilon ?? 1e-3) } });
};

/** Flatten keeps TF.js's row-major, channels-last order: deepline keeps tensors channels-last between layers. */
const flatten: LayerConverter = (layer, [x], graph) => graph.node('Flatten', [x!], layer.name, { axis: 1 });

const reshape: LayerConverter = (layer, [x], graph) => {
  const target = configOf(layer).targetShape as number[];
  return graph.node('Reshape', [x!, graph.ints(`${layer.name}/shape`, [0, ...target])], layer.name);
};

/** Token ids arrive as floats (TF.js feeds them so): cast to int64 for Gather. */
const embedding: LayerConverter = (layer, [x], graph) => {
  if (configOf(layer).maskZero === true) throw unsupported(layer, 'maskZero (masking is not exported)');
  const table = layerWeight(layer, 'embeddings');
  const ids = graph.node('Cast', [x!], `${layer.name}/ids`, { to: 7 });
  return graph.node('Gather', [graph.floats(`${layer.name}/embeddings`, table.values, table.shape), ids], layer.name, { axis: 0 });
};

const add: LayerConverter = (layer, inputs, graph) =>
  inputs.slice(1).reduce((sum, x, k) => graph.node('Add', [sum, x], k === inputs.length - 2 ? layer.name : `${layer.name}/${k}`), inputs[0]!);

/** An ensemble's mean of its members' outputs: ONNX's Mean takes any number of inputs, repeats included. */
const average: LayerConverter = (layer, inputs, graph) => graph.node('Mean', inputs, layer.name);

const concatenate: LayerConverter = (layer, inputs, graph) => graph.node('Concat', inputs, layer.name, { axis: Number(configOf(layer).axis ?? -1) });

/** The layers that hold no operation of their own at inference, or only an activation. */
export const CORE_CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  Dense: dense,
  Activation: (layer, [x], graph) => activation(layer, String(configOf(layer).activation), x!, graph),
  Dropout: (_layer, [x]) => x!,
  SpatialDropout1D: (_layer, [x]) => x!,
  SpatialDropout2D: (_layer, [x]) => x!,
  GaussianNoise: (_layer, [x]) => x!,
  GaussianDropout: (_layer, [x]) => x!,
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  Flatten: flatten,
  Reshape: reshape,
  Embedding: embedding,
  Add: add,
  Average: average,
  Concatenate: concatenate,
};

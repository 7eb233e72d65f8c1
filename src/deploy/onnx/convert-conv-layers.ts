import type * as tf from '@tensorflow/tfjs';
import { activation, unsupported, type LayerConverter } from './convert-core-layers.ts';
import { layerWeight, optionalLayerWeight, transposeValues } from './layer-weights.ts';
import type { AttributeValue, OnnxGraph } from './onnx-graph.ts';

type Config = Record<string, unknown>;

/**
 * Convolutions and pooling. TF.js is channels-last and ONNX's Conv and pools are channels-first,
 * so each of these runs between a pair of Transposes (ONNX Runtime cancels the pairs that meet
 * between two such layers); every other layer works on channels-last tensors as TF.js does.
 * The graph's own input with one channel (a grayscale image) is already channels-first in
 * memory: it goes in through a Reshape, which ONNX Runtime does without a copy, where a
 * Transpose took 9 µs (ORT's profiler) of a batch of 64 digits images.
 */
function toChannelsFirst(layer: tf.layers.Layer, graph: OnnxGraph, x: string, spatial: 1 | 2, base: string): string {
  const shape = (layer.input as tf.SymbolicTensor).shape;
  if (graph.isInput(x) && shape.at(-1) === 1 && shape.slice(1, -1).every((d) => d !== null)) {
    return graph.node('Reshape', [x, graph.ints(`${base}/nchw_shape`, [0, 1, ...(shape.slice(1, -1) as number[])])], `${base}/nchw`);
  }
  return graph.node('Transpose', [x], `${base}/nchw`, { perm: spatial === 2 ? [0, 3, 1, 2] : [0, 2, 1] });
}

function toChannelsLast(graph: OnnxGraph, x: string, spatial: 1 | 2, base: string): string {
  return graph.node('Transpose', [x], base, { perm: spatial === 2 ? [0, 2, 3, 1] : [0, 2, 1] });
}

function list(value: unknown, n: number): number[] {
  const values = Array.isArray(value) ? (value as number[]) : [Number(value)];
  return values.length === n ? values : Array.from({ length: n }, () => values[0]!);
}

function checkChannelsLast(layer: tf.layers.Layer, config: Config): void {
  if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') throw unsupported(layer, `dataFormat ${String(config.dataFormat)}`);
}

/** ONNX padding attributes for TF's `same` (extra padding at the end, as SAME_UPPER), `valid` and 1-D `causal` (all on the left). */
function padding(layer: tf.layers.Layer, config: Config, kernel: readonly number[], dilation: readonly number[]): Record<string, AttributeValue> {
  switch (config.padding) {
    case 'valid':
      return { auto_pad: 'VALID' };
    case 'same':
      return { auto_pad: 'SAME_UPPER' };
    case 'causal':
      return { pads: [(kernel[0]! - 1) * dilation[0]!, 0] };
    default:
      throw unsupported(layer, `padding ${String(config.padding)}`);
  }
}

function conv(spatial: 1 | 2): LayerConverter {
  return (layer, [x], graph) => {
    const config = layer.getConfig() as Config;
    checkChannelsLast(layer, config);
    const kernel = layerWeight(layer, 'kernel');
    // [k(h), (kw), in, out] → [out, in, k(h), (kw)]
    const weights = transposeValues(kernel, spatial === 2 ? [3, 2, 0, 1] : [2, 1, 0]);
    const size = kernel.shape.slice(0, spatial);
    const dilations = list(config.dilationRate ?? 1, spatial);
    const bias = optionalLayerWeight(layer, 'bias');
    const inputs = [toChannelsFirst(layer, graph, x!, spatial, layer.name), graph.floats(`${layer.name}/kernel`, weights.values, weights.shape)];
    if (bias) inputs.push(graph.floats(`${layer.name}/bias`, bias.values, bias.shape));
    const y = graph.node('Conv', inputs, `${layer.name}/conv`, {
      kernel_shape: size,
      strides: list(config.strides ?? 1, spatial),
      dilations,
      ...padding(layer, config, size, dilations),
    });
    return activation(layer, String(config.activation), toChannelsLast(graph, y, spatial, `${layer.name}/nhwc`), graph);
  };
}

/** A depthwise conv as a grouped Conv: one group per input channel, `depthMultiplier` outputs each. */
function depthwise(layer: tf.layers.Layer, config: Config, nchw: string, graph: OnnxGraph, withBias: boolean): string {
  const kernel = layerWeight(layer, 'depthwise_kernel');
  const [kh, kw, channels, multiplier] = kernel.shape as [number, number, number, number];
  // [kh, kw, in, m] → [in, m, kh, kw], read as [in·m, 1, kh, kw]: output channel c·m + k, as TF.js orders them.
  const weights = transposeValues(kernel, [2, 3, 0, 1]);
  const dilations = list(config.dilationRate ?? 1, 2);
  const bias = withBias ? optionalLayerWeight(layer, 'bias') : undefined;
  const inputs = [nchw, graph.floats(`${layer.name}/depthwise_kernel`, weights.values, [channels * multiplier, 1, kh, kw])];
  if (bias) inputs.push(graph.floats(`${layer.name}/bias`, bias.values, bias.shape));
  return graph.node('Conv', inputs, `${layer.name}/depthwise`, {
    group: channels,
    kernel_shape: [kh, kw],
    strides: list(config.strides ?? 1, 2),
    dilations,
    ...padding(layer, config, [kh, kw], dilations),
  });
}

const depthwiseConv2d: LayerConverter = (layer, [x], graph) => {
  const config = layer.getConfig() as Config;
  checkChannelsLast(layer, config);
  const y = depthwise(layer, config, toChannelsFirst(layer, graph, x!, 2, layer.name), graph, true);
  return activation(layer, String(config.activation), toChannelsLast(graph, y, 2, `${layer.name}/nhwc`), graph);
};

/** Separable conv: the depthwise conv, then a 1x1 pointwise Conv carrying the bias. */
const separableConv2d: LayerConverter = (layer, [x], graph) => {
  const config = layer.getConfig() as Config;
  checkChannelsLast(layer, config);
  const deep = depthwise(layer, config, toChannelsFirst(layer, graph, x!, 2, layer.name), graph, false);
  const pointwise = transposeValues(layerWeight(layer, 'pointwise_kernel'), [3, 2, 0, 1]);
  const bias = optionalLayerWeight(layer, 'bias');
  const inputs = [deep, graph.floats(`${layer.name}/pointwise_kernel`, pointwise.values, pointwise.shape)];
  if (bias) inputs.push(graph.floats(`${layer.name}/bias`, bias.values, bias.shape));
  const y = graph.node('Conv', inputs, `${layer.name}/pointwise`, { kernel_shape: [1, 1] });
  return activation(layer, String(config.activation), toChannelsLast(graph, y, 2, `${layer.name}/nhwc`), graph);
};

function pool(op: 'MaxPool' | 'AveragePool', spatial: 1 | 2): LayerConverter {
  return (layer, [x], graph) => {
    const config = layer.getConfig() as Config;
    checkChannelsLast(layer, config);
    const size = list(config.poolSize, spatial);
    const y = graph.node(op, [toChannelsFirst(layer, graph, x!, spatial, layer.name)], `${layer.name}/pool`, {
      kernel_shape: size,
      strides: list(config.strides ?? config.poolSize, spatial),
      ...padding(layer, config, size, list(1, spatial)),
    });
    return toChannelsLast(graph, y, spatial, layer.name);
  };
}

/** Global pooling reduces the spatial axes of the channels-last tensor directly. */
function globalPool(op: 'ReduceMax' | 'ReduceMean', spatial: 1 | 2): LayerConverter {
  return (layer, [x], graph) => {
    checkChannelsLast(layer, layer.getConfig() as Config);
    return graph.node(op, [x!], layer.name, { axes: spatial === 2 ? [1, 2] : [1], keepdims: 0 });
  };
}

export const CONV_CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  Conv1D: conv(1),
  Conv2D: conv(2),
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  MaxPooling1D: pool('MaxPool', 1),
  MaxPooling2D: pool('MaxPool', 2),
  AveragePooling1D: pool('AveragePool', 1),
  AveragePooling2D: pool('AveragePool', 2),
  GlobalMaxPooling1D: globalPool('ReduceMax', 1),
  GlobalMaxPooling2D: globalPool('ReduceMax', 2),
  GlobalAveragePooling1D: globalPool('ReduceMean', 1),
  GlobalAveragePooling2D: globalPool('ReduceMean', 2),
};

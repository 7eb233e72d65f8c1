import type * as tf from '@tensorflow/tfjs';
import { unsupported, type LayerConverter } from './convert-core-layers.ts';
import { layerWeight, optionalLayerWeight, transposeValues, type WeightValues } from './layer-weights.ts';
import type { OnnxGraph } from './onnx-graph.ts';

type Config = Record<string, unknown>;
type Cell = 'GRU' | 'LSTM';

/** TF.js activation names → ONNX RNN activation names (HardSigmoid's defaults, 0.2 and 0.5, are Keras's). */
const RNN_ACTIVATIONS: Readonly<Record<string, string>> = {
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  hardSigmoid: 'HardSigmoid',
  relu: 'Relu',
  softsign: 'Softsign',
  softplus: 'Softplus',
};

/**
 * Keras gate blocks → ONNX's: GRU is z, r, h in both; LSTM is i, f, c, o in Keras and i, o, f, c
 * in ONNX. `blocks` maps ONNX block k to the Keras block it takes.
 */
const GATE_ORDER: Readonly<Record<Cell, readonly number[]>> = { GRU: [0, 1, 2], LSTM: [0, 3, 1, 2] };

/** Reorders the gate blocks of the last axis of a [rows, gates·units] matrix, then transposes it to [gates·units, rows]. */
function gatesFirst(w: WeightValues, cell: Cell): WeightValues {
  const [rows, cols] = w.shape as [number, number];
  const order = GATE_ORDER[cell];
  const units = cols / order.length;
  const reordered = new Float32Array(w.values.length);
  for (let r = 0; r < rows; r++) {
    order.forEach((from, to) => reordered.set(w.values.subarray(r * cols + from * units, r * cols + (from + 1) * units), r * cols + to * units));
  }
  return transposeValues({ shape: w.shape, values: reordered }, [1, 0]);
}

function reorderBias(b: Float32Array, cell: Cell): Float32Array {
  const order = GATE_ORDER[cell];
  const units = b.length / order.length;
  const out = new Float32Array(b.length);
  order.forEach((from, to) => out.set(b.subarray(from * units, (from + 1) * units), to * units));
  return out;
}

interface Direction {
  readonly W: WeightValues;
  readonly R: WeightValues;
  /** [Wb, Rb]: TF.js has one bias, on the input side; the recurrent one is zero. */
  readonly B: Float32Array;
}

function directionOf(layer: tf.layers.Layer, cell: Cell, config: Config): Direction {
  if (config.resetAfter === true) throw unsupported(layer, 'resetAfter (a GRU with two biases)');
  const W = gatesFirst(layerWeight(layer, 'kernel'), cell);
  const R = gatesFirst(layerWeight(layer, 'recurrent_kernel'), cell);
  const bias = optionalLayerWeight(layer, 'bias');
  const B = new Float32Array(2 * W.shape[0]!);
  if (bias) B.set(reorderBias(bias.values, cell));
  return { W, R, B };
}

function cellOf(layer: tf.layers.Layer): Cell {
  const name = layer.getClassName();
  if (name === 'GRU' || name === 'LSTM') return name;
  throw unsupported(layer, `recurrent layer ${name} (GRU and LSTM are exported)`);
}

function checkRecurrent(layer: tf.layers.Layer, config: Config): void {
  for (const flag of ['returnState', 'goBackwards', 'stateful', 'unroll'] as const) {
    if (config[flag] === true) throw unsupported(layer, `${flag}`);
  }
}

function activations(layer: tf.layers.Layer, config: Config, cell: Cell): string[] {
  const named = (key: string, fallback: string): string => {
    const name = String(config[key] ?? fallback);
    const onnxName = RNN_ACTIVATIONS[name];
    if (!onnxName) throw unsupported(layer, `${key} ${name}`);
    return onnxName;
  };
  const gate = named('recurrentActivation', 'hardSigmoid');
  const act = named('activation', 'tanh');
  return cell === 'GRU' ? [gate, act] : [gate, act, act];
}

/**
 * One ONNX GRU or LSTM node over [batch, time, features] (transposed to ONNX's time-major
 * layout), for a layer alone or a Bidirectional pair whose halves are concatenated, as Keras's
 * `concat` merge does.
 */
function recurrent(layer: tf.layers.Layer, x: string, graph: OnnxGraph, cells: readonly tf.layers.Layer[], returnSequences: boolean): string {
  const cell = cellOf(cells[0]!);
  const configs = cells.map((c) => c.getConfig() as Config);
  configs.forEach((c, k) => checkRecurrent(cells[k]!, c));
  const directions = cells.map((c, k) => directionOf(c, cell, configs[k]!));
  const units = directions[0]!.R.shape[1]!;
  const stack = (pick: (d: Direction) => Float32Array): Float32Array => {
    const parts = directions.map(pick);
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const d = directions.length;
  const W = graph.floats(`${layer.name}/W`, stack((dir) => dir.W.values), [d, ...directions[0]!.W.shape]);
  const R = graph.floats(`${layer.name}/R`, stack((dir) => dir.R.values), [d, ...directions[0]!.R.shape]);
  const B = graph.floats(`${layer.name}/B`, stack((dir) => dir.B), [d, directions[0]!.B.length]);
  const timeMajor = graph.node('Transpose', [x], `${layer.name}/time_major`, { perm: [1, 0, 2] });
  const [Y, Yh] = [graph.name(`${layer.name}/Y`), graph.name(`${layer.name}/Y_h`)];
  graph.nodeWithOutputs(cell, [timeMajor, W, R, B], [Y, Yh], {
    hidden_size: units,
    direction: d === 2 ? 'bidirectional' : 'forward',
    activations: cells.flatMap((c, k) => activations(c, configs[k]!, cell)),
  });
  if (returnSequences) {
    // Y: [time, directions, batch, units] → [batch, time, directions·units]
    const batchMajor = graph.node('Transpose', [Y], `${layer.name}/batch_major`, { perm: [2, 0, 1, 3] });
    return graph.node('Reshape', [batchMajor, graph.ints(`${layer.name}/shape`, [0, 0, d * units])], layer.name);
  }
  // Y_h: [directions, batch, units] → [batch, directions·units]
  const batchFirst = graph.node('Transpose', [Yh], `${layer.name}/batch_first`, { perm: [1, 0, 2] });
  return graph.node('Reshape', [batchFirst, graph.ints(`${layer.name}/shape`, [0, d * units])], layer.name);
}

const single: LayerConverter = (layer, [x], graph) => recurrent(layer, x!, graph, [layer], (layer.getConfig() as Config).returnSequences === true);

const bidirectional: LayerConverter = (layer, [x], graph) => {
  const config = layer.getConfig() as Config;
  if (config.mergeMode !== 'concat') throw unsupported(layer, `mergeMode ${String(config.mergeMode)} (concat is exported)`);
  const pair = layer as unknown as { forwardLayer: tf.layers.Layer; backwardLayer: tf.layers.Layer };
  const returnSequences = (pair.forwardLayer.getConfig() as Config).returnSequences === true;
  // The backward copy runs over reversed time (goBackwards); ONNX's reverse direction does the same.
  const backward = pair.backwardLayer;
  const backwardConfig = { ...(backward.getConfig() as Config), goBackwards: false };
  const asForward = Object.create(backward, { getConfig: { value: () => backwardConfig } }) as tf.layers.Layer;
  return recurrent(layer, x!, graph, [pair.forwardLayer, asForward], returnSequences);
};

export const RECURRENT_CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  GRU: single,
  LSTM: single,
  Bidirectional: bidirectional,
};

import * as tf from '@tensorflow/tfjs';
import type { ChannelGraph } from './channel-graph.ts';

/** The channels each pruned space keeps, ascending, by space key; spaces not listed keep all. */
export type ChannelSelection = ReadonlyMap<string, Int32Array>;

interface InputSlice {
  readonly keep: Int32Array;
  readonly channels: number;
  readonly positions: number;
}

/**
 * A smaller dense copy of `model` keeping only the selected channels: every producer of a pruned
 * space is rebuilt with fewer filters or units and every consumer with fewer inputs (a dense
 * layer after a Flatten of [h, w, C] loses rows p·C + c at every position p), batch norms and
 * depthwise convs in between lose the same entries, and all kept weights are copied. The model
 * is rebuilt from its own topology, so layer names, settings and the graph stay as they were.
 */
export async function pruneChannels(model: tf.LayersModel, graph: ChannelGraph, selection: ChannelSelection): Promise<tf.LayersModel> {
  const outputs = new Map<string, Int32Array>();
  const members = new Map<string, Int32Array>();
  const inputs = new Map<string, InputSlice>();
  for (const space of graph.spaces) {
    const keep = selection.get(space.key);
    if (!keep || space.frozen || keep.length === space.size) continue;
    space.producers.forEach((p) => outputs.set(p.layer.name, keep));
    space.members.forEach((m) => members.set(m.name, keep));
    space.consumers.forEach((c) => inputs.set(c.layer.name, { keep, channels: space.size, positions: c.positions }));
  }
  const topology = model.toJSON(null, false) as unknown as { config: { layers: { config: Record<string, unknown> }[] } };
  for (const layer of topology.config.layers) {
    const keep = outputs.get(String(layer.config.name));
    if (!keep) continue;
    if ('filters' in layer.config) layer.config.filters = keep.length;
    else layer.config.units = keep.length;
  }
  const pruned = await tf.models.modelFromJSON({ modelTopology: topology as unknown as tf.io.ModelJSON['modelTopology'] } as never);
  for (const layer of pruned.layers) {
    if (layer.weights.length === 0) continue;
    const old = model.getLayer(layer.name);
    const out = outputs.get(layer.name);
    const member = members.get(layer.name);
    const input = inputs.get(layer.name);
    const multiplier = Number((old.getConfig() as { depthMultiplier?: number }).depthMultiplier ?? 1);
    const values = layer.weights.map((w) => {
      const suffix = weightSuffix(w.originalName);
      const source = old.weights.find((o) => weightSuffix(o.originalName) === suffix)!.read();
      let shape = source.shape;
      let data = source.dataSync() as Float32Array;
      const slice = (axis: number, indices: Int32Array | undefined): void => {
        if (!indices) return;
        data = gatherAxis(data, shape, axis, indices);
        shape = shape.map((d, k) => (k === axis ? indices.length : d));
      };
      const rank = shape.length;
      switch (suffix) {
        case 'kernel':
          slice(rank - 1, out);
          slice(rank - 2, input && expandPositions(input));
          break;
        case 'bias':
          slice(0, out ?? member);
          break;
        case 'gamma':
        case 'beta':
        case 'moving_mean':
        case 'moving_variance':
          slice(0, member);
          break;
        case 'depthwise_kernel':
          slice(2, member ?? input?.keep);
          break;
        case 'pointwise_kernel':
          slice(3, out);
          slice(2, input && expandMultiplier(input.keep, multiplier));
          break;
      }
      return tf.tensor(data, shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
  return pruned;
}

/** `conv_0/kernel` → `kernel`; tfjs adds `_1`, `_2` to names it has seen before. */
export function weightSuffix(name: string): string {
  return (name.split('/').pop() ?? name).replace(/_\d+$/, '');
}

/** The rows of a dense kernel after a Flatten: channel c at position p is row p·C + c. */
function expandPositions(input: InputSlice): Int32Array {
  if (input.positions === 1) return input.keep;
  const rows = new Int32Array(input.positions * input.keep.length);
  let k = 0;
  for (let p = 0; p < input.positions; p++) for (const c of input.keep) rows[k++] = p * input.channels + c;
  return rows;
}

/** A depthwise conv's outputs c·m + j for each kept input channel c. */
function expandMultiplier(keep: Int32Array, m: number): Int32Array {
  if (m === 1) return keep;
  const out = new Int32Array(keep.length * m);
  let k = 0;
  for (const c of keep) for (let j = 0; j < m; j++) out[k++] = c * m + j;
  return out;
}

/** The entries of a row-major tensor at `indices` along `axis`. */
export function gatherAxis(values: Float32Array, shape: readonly number[], axis: number, indices: Int32Array): Float32Array {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const size = shape[axis]!;
  const out = new Float32Array(outer * indices.length * inner);
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const i of indices) {
      const start = (o * size + i) * inner;
      out.set(values.subarray(start, start + inner), k);
      k += inner;
    }
  }
  return out;
}

import type * as tf from '@tensorflow/tfjs';
import { DeeplineError } from '../../errors/index.ts';

/** A weight of a layer as plain values: its shape and its values, row-major. */
export interface WeightValues {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/**
 * The weight of `layer` whose name ends in `/<suffix>` (`kernel`, `bias`, `gamma`, ...), read
 * from the layer's variables (TF.js names them `<layer>/<weight>`, `<layer>/<cell>/<weight>`).
 */
export function layerWeight(layer: tf.layers.Layer, suffix: string): WeightValues {
  const found = layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`) || w.originalName === suffix);
  if (!found) {
    throw new DeeplineError('DL_EXPORT', `layer ${layer.name} (${layer.getClassName()}) has no weight named ${suffix} (it has ${layer.weights.map((w) => w.originalName).join(', ') || 'none'})`, {
      hint: 'this is a bug in the ONNX exporter: report it with the model',
    });
  }
  const tensor = found.read();
  return { shape: tensor.shape, values: tensor.dataSync() as Float32Array };
}

/** The weight, or undefined when the layer has none by that name (a layer built without bias). */
export function optionalLayerWeight(layer: tf.layers.Layer, suffix: string): WeightValues | undefined {
  return layer.weights.some((w) => w.originalName.endsWith(`/${suffix}`)) ? layerWeight(layer, suffix) : undefined;
}

/** Permutes the axes of a row-major array: out[... at perm order] = in[...]; `perm[k]` is the input axis of output axis k. */
export function transposeValues(w: WeightValues, perm: readonly number[]): WeightValues {
  const rank = w.shape.length;
  const outShape = perm.map((p) => w.shape[p]!);
  const inStrides = strides(w.shape);
  const out = new Float32Array(w.values.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let source = 0;
    for (let k = 0; k < rank; k++) source += index[k]! * inStrides[perm[k]!]!;
    out[o] = w.values[source]!;
    for (let k = rank - 1; k >= 0; k--) {
      if (++index[k]! < outShape[k]!) break;
      index[k] = 0;
    }
  }
  return { shape: outShape, values: out };
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) s[k] = s[k + 1]! * shape[k + 1]!;
  return s;
}

import * as tf from '@tensorflow/tfjs';
import { featureSize, type Dataset } from '../data/dataset.ts';

export interface BatchTensors {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor1D;
  /** Per-example loss weights, when class weights were given. */
  readonly w?: tf.Tensor1D;
}

/**
 * Tensors for examples `start..end` of a data set, taken in `order` (a permutation) or, without
 * one, as they are stored. Only this batch is copied: the stored arrays are never duplicated
 * whole, and an unordered batch is a view (tensors never mutate their values).
 */
export function batchTensors(ds: Dataset, start: number, end: number, order?: Uint32Array, classWeights?: readonly number[]): BatchTensors {
  const d = featureSize(ds);
  const b = end - start;
  let x: Float32Array;
  let y: Float32Array;
  if (order) {
    // Fresh arrays per batch: the cpu backend keeps a reference to the array it is given.
    x = new Float32Array(b * d);
    y = new Float32Array(b);
    for (let i = 0; i < b; i++) {
      const j = order[start + i];
      x.set(ds.x.subarray(j * d, (j + 1) * d), i * d);
      y[i] = ds.y[j];
    }
  } else {
    x = ds.x.subarray(start * d, end * d);
    y = ds.y.subarray(start, end);
  }
  let w: tf.Tensor1D | undefined;
  if (classWeights) {
    const weights = new Float32Array(b);
    for (let i = 0; i < b; i++) weights[i] = classWeights[y[i]] ?? 1;
    w = tf.tensor1d(weights);
  }
  return { x: tf.tensor(x, [b, ...ds.featureShape]), y: tf.tensor1d(y), w };
}

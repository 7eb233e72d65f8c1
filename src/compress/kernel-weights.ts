import type * as tf from '@tensorflow/tfjs';

/** Weights many and alike enough to prune one by one and to store in 8 bits: kernels and embedding tables. */
const KERNEL = /(^|\/)(kernel|depthwise_kernel|pointwise_kernel|recurrent_kernel|embeddings)(_\d+)?$/;

export function isKernelWeight(name: string): boolean {
  return KERNEL.test(name);
}

/** The kernel weights of a model: what unstructured pruning zeroes and int8 stores in 8 bits. */
export function kernelWeights(model: tf.LayersModel): tf.LayerVariable[] {
  return model.weights.filter((w) => isKernelWeight(w.originalName));
}

/** The share of the model's kernel weights that are exactly zero. */
export function kernelSparsity(model: tf.LayersModel): number {
  let zeros = 0;
  let total = 0;
  for (const w of kernelWeights(model)) {
    const values = w.read().dataSync();
    total += values.length;
    for (const v of values) if (v === 0) zeros++;
  }
  return total === 0 ? 0 : zeros / total;
}

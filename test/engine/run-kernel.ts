import * as tf from '@tensorflow/tfjs';
import { initEngine, type ResolvedEngine } from '../../src/engine/engine.ts';

export interface KernelInput {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype?: 'float32' | 'int32';
}

/**
 * Runs one kernel by name on the given engine, through tf's kernel registry exactly as an op
 * would, and returns its output values. Every tensor it makes is disposed before it returns.
 */
export async function runKernel(
  engine: ResolvedEngine,
  kernelName: string,
  inputs: Record<string, KernelInput>,
  attrs: object,
): Promise<{ values: Float32Array | Int32Array; shape: number[] }> {
  await initEngine(engine);
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, input] of Object.entries(inputs)) tensors[name] = tf.tensor(input.values, input.shape, input.dtype ?? 'float32');
  try {
    const out = tf.engine().runKernel(kernelName, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
    const values = out.dataSync() as Float32Array | Int32Array;
    const result = { values: values.slice(), shape: out.shape.slice() };
    out.dispose();
    return result;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

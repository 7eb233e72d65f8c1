import * as tf from '@tensorflow/tfjs';
import { NATIVE_BACKEND, type NativeBackend } from './native-backend.ts';

export interface NativeKernelArgs {
  // Kernel inputs by name; optional ones (bias, offset) may be absent, which kernels check.
  inputs: Record<string, tf.TensorInfo>;
  attrs: tf.NamedAttrMap;
  backend: NativeBackend;
}

/**
 * A kernel for the native backend that runs `run` and, when it returns undefined (a dtype,
 * layout or broadcast the addon does not cover), the cpu backend's kernel on the same tensors.
 */
export function nativeKernel(kernelName: string, run: (args: NativeKernelArgs) => tf.TensorInfo | undefined): tf.KernelConfig {
  // Looked up at the first fallback, not at import: importing the engine must never fail.
  let fallback: ((args: NativeKernelArgs) => tf.TensorInfo) | undefined;
  const kernelFunc = ((args: NativeKernelArgs) => {
    const out = run({ inputs: args.inputs, attrs: args.attrs ?? {}, backend: args.backend });
    if (out) return out;
    if (!fallback) {
      const cpu = tf.getKernel(kernelName, 'cpu');
      if (!cpu) throw new Error(`the cpu backend has no ${kernelName} kernel to fall back on`);
      fallback = onNativeBackend(cpu).kernelFunc as unknown as (args: NativeKernelArgs) => tf.TensorInfo;
    }
    return fallback(args);
  }) as unknown as tf.KernelFunc;
  return { kernelName, backendName: NATIVE_BACKEND, kernelFunc };
}

/** A cpu kernel run on the native backend, its outputs kept clear of pool memory they don't own. */
export function onNativeBackend(cpu: tf.KernelConfig): tf.KernelConfig {
  const run = cpu.kernelFunc as unknown as (args: { backend: NativeBackend }) => tf.TensorInfo | tf.TensorInfo[];
  const kernelFunc = ((args: { backend: NativeBackend }) => {
    const out = run(args);
    args.backend.detachViews(out);
    return out;
  }) as unknown as tf.KernelFunc;
  return { ...cpu, backendName: NATIVE_BACKEND, kernelFunc };
}

/** True when the addon can read every given tensor (absent optional inputs count as readable). */
export function allFloat32(backend: NativeBackend, ...tensors: (tf.TensorInfo | undefined)[]): boolean {
  return tensors.every((t) => backend.isFloat32(t));
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Codes of the activations the addon fuses into matmul and conv; undefined for those it can't. */
export function activationCode(activation: unknown): number | undefined {
  switch (activation ?? 'linear') {
    case 'linear': return 0;
    case 'relu': return 1;
    case 'relu6': return 2;
    case 'leakyrelu': return 3;
    case 'sigmoid': return 4;
    case 'elu': return 5;
    default: return undefined;
  }
}

import * as tf from '@tensorflow/tfjs';
import { batchMatMulConfig, fusedMatMulConfig } from './kernels/mat-mul.ts';
import { fusedBatchNormConfig } from './kernels/batch-norm.ts';
import { conv2dConfig, depthwiseConv2dNativeConfig, fusedConv2dConfig, fusedDepthwiseConv2dConfig } from './kernels/conv2d.ts';
import {
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
} from './kernels/conv2d-backprop.ts';
import { elementwiseConfigs } from './kernels/elementwise.ts';
import { avgPoolConfig, avgPoolGradConfig, maxPoolConfig, maxPoolGradConfig } from './kernels/pool.ts';
import { unsortedSegmentSumConfig } from './kernels/unsorted-segment-sum.ts';
import { installNativeAdam } from './native-adam.ts';
import { loadNativeAddon } from './native-addon.ts';
import { NATIVE_BACKEND, NativeBackend } from './native-backend.ts';
import { installNativeGradients, nativeGradientKernels } from './native-gradients.ts';
import { onNativeBackend } from './native-kernel.ts';

/** The kernels the addon computes; every other kernel is the cpu backend's own. */
export function nativeKernelConfigs(): tf.KernelConfig[] {
  return [
    batchMatMulConfig,
    fusedMatMulConfig,
    conv2dConfig,
    fusedConv2dConfig,
    depthwiseConv2dNativeConfig,
    fusedDepthwiseConv2dConfig,
    conv2dBackpropInputConfig,
    conv2dBackpropFilterConfig,
    depthwiseConv2dNativeBackpropInputConfig,
    depthwiseConv2dNativeBackpropFilterConfig,
    maxPoolConfig,
    avgPoolConfig,
    maxPoolGradConfig,
    avgPoolGradConfig,
    fusedBatchNormConfig,
    unsortedSegmentSumConfig,
    ...elementwiseConfigs,
  ];
}

/**
 * Registers the `native` backend when the addon loads: the cpu backend's kernels re-registered
 * under its name, then the native ones over them, the gradients of Relu, Square, Mean and batch norm as native kernels
 * (native-gradients.ts) and the native Adam update (native-adam.ts).
 * Returns the reason when it can't. Idempotent.
 */
export function registerNativeBackend(): { ok: true } | { ok: false; reason: string } {
  const { addon, reason } = loadNativeAddon();
  if (!addon) return { ok: false, reason: reason ?? 'the native addon is unavailable' };
  if (tf.findBackendFactory(NATIVE_BACKEND)) return { ok: true };
  const natives = nativeKernelConfigs();
  const nativeNames = new Set(natives.map((k) => k.kernelName));
  for (const kernel of tf.getKernelsForBackend('cpu')) {
    if (!nativeNames.has(kernel.kernelName)) tf.registerKernel(onNativeBackend(kernel));
  }
  for (const kernel of natives) tf.registerKernel(kernel);
  for (const kernel of nativeGradientKernels) tf.registerKernel(kernel);
  installNativeGradients();
  installNativeAdam();
  // Priority below tfjs-node's and wasm's: only initEngine chooses it, never tfjs's own default.
  tf.registerBackend(NATIVE_BACKEND, () => new NativeBackend(addon), 0);
  return { ok: true };
}

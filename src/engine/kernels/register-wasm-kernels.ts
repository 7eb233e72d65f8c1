import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.ts';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwise-conv2d-native-backprop-filter.ts';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwise-conv2d-native-backprop-input.ts';
import { maxPoolGradConfig } from './max-pool-grad.ts';
import { resizeNearestNeighborGradConfig } from './resize-nearest-neighbor-grad.ts';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.ts';

/**
 * Gradient kernels that @tensorflow/tfjs-backend-wasm 4.22 lacks: without them a CNN (conv2d,
 * conv1d, depthwise/separable conv) or an embedding cannot train on wasm. A later release that
 * ships its own keeps it.
 */
const missing: tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/** Stock wasm kernels that are wrong or several times slower than deepline's (see each file). */
const replacements: tf.KernelConfig[] = [conv2dBackpropInputConfig, maxPoolGradConfig, resizeNearestNeighborGradConfig];

/**
 * Registers deepline's implementations of the wasm kernels listed above. Idempotent; call it
 * before `tf.setBackend('wasm')`.
 */
export function registerWasmKernels(): void {
  for (const config of missing) {
    if (!tf.getKernel(config.kernelName, 'wasm')) tf.registerKernel(config);
  }
  for (const config of replacements) {
    const existing = tf.getKernel(config.kernelName, 'wasm');
    if (existing?.kernelFunc === config.kernelFunc) continue;
    if (existing) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
}

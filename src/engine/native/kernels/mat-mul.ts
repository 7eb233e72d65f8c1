import * as tf from '@tensorflow/tfjs';
import { activationCode, allFloat32, nativeKernel, sizeOf, type NativeKernelArgs } from '../native-kernel.ts';

/**
 * BatchMatMul and _FusedMatMul (bias + activation fused by oneDNN). Covers batch broadcasting
 * where one side's batch is 1 or both are equal, and a bias that is one row of N values; the
 * rest (prelu, other broadcasts, non-float) goes to the cpu kernels.
 */
function matMul({ inputs, attrs, backend }: NativeKernelArgs): tf.TensorInfo | undefined {
  const { a, b, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
  if (!a || !b || preluActivationWeights || !allFloat32(backend, a, b, bias)) return undefined;
  const code = activationCode(attrs.activation);
  if (code === undefined) return undefined;
  const transA = Boolean(attrs.transposeA);
  const transB = Boolean(attrs.transposeB);
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batchShapeA = a.shape.slice(0, -2);
  const batchShapeB = b.shape.slice(0, -2);
  const batchA = sizeOf(batchShapeA);
  const batchB = sizeOf(batchShapeB);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return undefined;
  if (m * k * n === 0 || batchA * batchB === 0) return undefined;
  if (bias && (sizeOf(bias.shape) !== n || bias.shape.slice(0, -1).some((d) => d !== 1))) return undefined;
  const outShape = [...tf.backend_util.assertAndGetBroadcastShape(batchShapeA, batchShapeB), m, n];
  const out = backend.allocate(Math.max(batchA, batchB) * m * n);
  const params = Int32Array.of(batchA, batchB, m, k, n, transA ? 1 : 0, transB ? 1 : 0, code);
  const alpha = code === 3 ? ((attrs.leakyreluAlpha as number | undefined) ?? 0.2) : 0;
  backend.addon.matMul(backend.float32(a), backend.float32(b), out, bias ? backend.float32(bias) : null, params, alpha);
  return backend.output(outShape, out);
}

export const batchMatMulConfig = nativeKernel('BatchMatMul', matMul);
export const fusedMatMulConfig = nativeKernel('_FusedMatMul', matMul);

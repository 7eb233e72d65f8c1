import type * as tf from '@tensorflow/tfjs';

/**
 * One inference pass of a layers model over the whole batch `x`, fetching `outputs` (the model's
 * own outputs, or any of its inner tensors such as an embedding): `execute` runs the graph as it
 * is, without `predict`'s split into passes of 32 rows and its per-call checks. For a small CNN
 * on the native engine that is a fifth of a batch-64 call (digits CNN: 0.336 → 0.263 ms).
 * Call it inside `tf.tidy`; the tensors returned are the caller's to dispose.
 */
export function infer(model: tf.LayersModel, x: tf.Tensor, outputs: readonly tf.SymbolicTensor[] = model.outputs): tf.Tensor[] {
  const out = model.execute(x, outputs.map((t) => t.name));
  return Array.isArray(out) ? out : [out];
}

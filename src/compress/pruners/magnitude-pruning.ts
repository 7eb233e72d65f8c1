import * as tf from '@tensorflow/tfjs';
import { kernelSparsity, kernelWeights } from '../kernel-weights.ts';
import type { PruneScope } from '../pruning/select-channels.ts';
import { fineTune } from './fine-tune.ts';
import type { MagnitudePrunerOptions } from './magnitude-pruner.ts';
import type { PruneContext, PruneResult, PruneStepRecord } from './pruner.ts';

/** The magnitude pruner's work (see magnitudePruner): mask, fine-tune with the mask held, `steps` times. */
export async function pruneMagnitudeGradually(input: tf.LayersModel, amount: number, options: MagnitudePrunerOptions, context: PruneContext): Promise<PruneResult> {
  const scope = options.scope ?? 'global';
  const steps = options.steps ?? 3;
  const startedAt = performance.now();
  // A copy: the input model is left as it was.
  const model = await copyModel(input);
  const kernels = kernelWeights(model);
  let masks: tf.Tensor[] = [];
  const applyMasks = (): void => {
    tf.tidy(() => kernels.forEach((w, k) => (w.read() as tf.Variable).assign(tf.mul(w.read(), masks[k]!))));
  };
  const records: PruneStepRecord[] = [];
  try {
    for (let step = 1; step <= steps; step++) {
      context.signal?.throwIfAborted();
      const fraction = (amount * step) / steps;
      tf.dispose(masks);
      masks = magnitudeMasks(kernels.map((w) => w.read().dataSync() as Float32Array), kernels.map((w) => w.shape as number[]), fraction, scope);
      applyMasks();
      const tuned = await fineTune(model, context, step, { afterStep: applyMasks, startedAt });
      applyMasks();
      const record: PruneStepRecord = { step, steps, fraction, params: model.countParams(), valMetric: tuned.valMetric, epochs: tuned.epochs };
      records.push(record);
      context.onStep?.(record);
    }
  } finally {
    tf.dispose(masks);
  }
  const sparsity = kernelSparsity(model);
  return {
    model,
    params: model.countParams(),
    sparsity,
    steps: records,
    summary: `${Math.round(amount * 100)}% of kernel weights zeroed (${scope === 'layer' ? 'per layer' : 'global'}, ${steps} step${steps === 1 ? '' : 's'}): ${(sparsity * 100).toFixed(1)}% sparse`,
  };
}

/** 0/1 masks removing the `fraction` smallest magnitudes, per kernel or below one global threshold. */
function magnitudeMasks(values: Float32Array[], shapes: number[][], fraction: number, scope: PruneScope): tf.Tensor[] {
  const threshold = (all: Float32Array): number => {
    const sorted = Float32Array.from(all, Math.abs).sort();
    const k = Math.floor(sorted.length * fraction);
    return k === 0 ? -1 : sorted[k - 1]!;
  };
  let global = -1;
  if (scope === 'global') {
    const all = new Float32Array(values.reduce((n, v) => n + v.length, 0));
    let offset = 0;
    for (const v of values) {
      all.set(v, offset);
      offset += v.length;
    }
    global = threshold(all);
  }
  return values.map((v, k) => {
    const t = scope === 'global' ? global : threshold(v);
    return tf.tensor(Float32Array.from(v, (x) => (Math.abs(x) > t ? 1 : 0)), shapes[k]);
  });
}

/** A new model with the same topology and weights. */
async function copyModel(model: tf.LayersModel): Promise<tf.LayersModel> {
  const copy = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) } as never);
  copy.setWeights(model.getWeights());
  return copy;
}

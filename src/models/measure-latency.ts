import * as tf from '@tensorflow/tfjs';
import { featureSize, type Dataset } from '../data/dataset.ts';
import { nativeInferencePlan } from '../engine/native/inference-plan.ts';
import { infer } from './infer.ts';

/**
 * Mean milliseconds of one prediction (input in, forward pass, output back) for a single
 * example and for a batch of `batch` examples, after a few warm-up calls that let kernels and
 * caches settle. Examples are taken from `ds`, repeated when it has fewer than `batch`. On the
 * native engine a model its inference plan covers is timed through the plan, as `deepline serve
 * --engine native` runs it: the time of its kernels, not of TF.js's bookkeeping around them
 * (the digits CNN: 0.02 ms, against 0.2 ms through TF.js, for one example), so that latency
 * objectives and constraints compare what models compute.
 */
export async function measureLatency(
  model: tf.LayersModel,
  ds: Pick<Dataset, 'n' | 'featureShape' | 'x'>,
  options: { repeats?: number; batch?: number } = {},
): Promise<{ singleMs: number; batchMs: number }> {
  const repeats = options.repeats ?? 20;
  const batch = options.batch ?? 32;
  const d = featureSize(ds);
  const rows = (count: number): Float32Array => {
    const out = new Float32Array(count * d);
    for (let i = 0; i < count; i++) out.set(ds.x.subarray(((i % ds.n) * d), ((i % ds.n) + 1) * d), i * d);
    return out;
  };
  const plan = nativeInferencePlan(model);
  const time = async (values: Float32Array, count: number): Promise<number> => {
    const run = async (): Promise<void> => {
      if (plan) {
        plan.run(values, count);
        return;
      }
      const out = tf.tidy(() => infer(model, tf.tensor(values, [count, ...ds.featureShape]))[0]!);
      await out.data();
      out.dispose();
    };
    for (let i = 0; i < 3; i++) await run();
    const start = performance.now();
    for (let i = 0; i < repeats; i++) await run();
    return (performance.now() - start) / repeats;
  };
  return { singleMs: await time(rows(1), 1), batchMs: await time(rows(batch), batch) };
}

import type * as tf from '@tensorflow/tfjs';
import { layerSeed } from '../../seed/layer-seed.ts';
import { fitModel } from '../../train/fit.ts';
import type { PruneContext } from './pruner.ts';

/**
 * Fine-tunes a pruned model in place with deepline's fit loop: `context.fineTune.epochs` epochs,
 * the learning rate annealed along a cosine, the best validation epoch's weights kept.
 * `afterStep` re-applies what must hold after every update (zeroed weights stay zero).
 * Returns the validation metric of the weights kept, and the epochs run.
 */
export async function fineTune(
  model: tf.LayersModel,
  context: PruneContext,
  step: number,
  options: { readonly afterStep?: () => void; readonly startedAt: number },
): Promise<{ valMetric: number; epochs: number }> {
  const { epochs, batchSize, learningRate, timeBudgetMs } = context.fineTune;
  const left = timeBudgetMs === undefined ? undefined : timeBudgetMs - (performance.now() - options.startedAt);
  if (epochs === 0 || (left !== undefined && left <= 0)) return { valMetric: NaN, epochs: 0 };
  const result = await fitModel(model, {
    train: context.train,
    validation: context.validation,
    epochs,
    batchSize,
    learningRate,
    // Every epoch runs: a pruned model's first epochs are noisy, the best of them is kept.
    patience: epochs,
    seed: layerSeed(context.seed, step),
    schedule: 'cosine',
    ...(left !== undefined && { timeBudgetMs: left }),
    ...(options.afterStep && { afterStep: options.afterStep }),
    ...(context.signal && { signal: context.signal }),
  });
  const best = result.history.find((h) => h.epoch === result.bestEpoch) ?? result.history.at(-1);
  return { valMetric: best?.valMetric ?? NaN, epochs: result.history.length };
}

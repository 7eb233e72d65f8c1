import type * as tf from '@tensorflow/tfjs';
import type { Registry } from '../../extensions/registry.ts';
import { layerSeed } from '../../seed/layer-seed.ts';
import { modalityOfDataset } from '../../models/modality-of-dataset.ts';
import type { Dataset } from '../../data/dataset.ts';
import type { AugmentSettings } from '../../task/task-spec.ts';
import type { Augmenter } from './augmenter.ts';
import { createAugmenterRegistry } from './augmenter-registry.ts';
import type { AugmentContext, BatchAugment } from './batch-augment.ts';

/** A composed training-time augmentation: a BatchAugment that also says what it does. */
export type Augmentation = BatchAugment & {
  /** The stages in the order applied, e.g. `image/flip {"mode":"horizontal"}`. */
  readonly stages: readonly string[];
};

/** What the data looks like to the model; tabular rows get no augmentation. */
export type AugmentModality = 'tabular' | 'image' | 'text';

/** The augmentation modality of a data set: images of any rank (28x28 or 28x28x1), token ids, else rows (time-series windows included). */
export function augmentModalityOf(ds: Pick<Dataset, 'featureShape' | 'tokens' | 'series'>): AugmentModality {
  const modality = modalityOfDataset(ds);
  return modality === 'image' || modality === 'text' ? modality : 'tabular';
}

/**
 * The task file's `augment` settings as one batch transform for `modality`, or undefined when
 * nothing applies (every setting off, or tabular data). Image stages run geometric first
 * (flip, crop, rotate, shift) and noise last, so the noise is not smoothed by interpolation.
 * Each stage's seed derives from `seed` and its place in that order, so turning one stage on or
 * off leaves the others' random choices unchanged.
 */
export function createAugmentation(
  settings: AugmentSettings,
  modality: AugmentModality,
  seed: number,
  registry: Registry<Augmenter> = createAugmenterRegistry(),
): Augmentation | undefined {
  const wanted: Array<[key: string, options: Record<string, unknown> | undefined]> =
    modality === 'image'
      ? [
          ['image/flip', settings.flip !== 'none' ? { mode: settings.flip } : undefined],
          ['image/crop', settings.crop > 0 ? { share: settings.crop } : undefined],
          ['image/rotate', settings.rotate > 0 ? { degrees: settings.rotate } : undefined],
          ['image/shift', settings.shift > 0 ? { share: settings.shift } : undefined],
          ['image/noise', settings.noise > 0 ? { std: settings.noise } : undefined],
        ]
      : modality === 'text'
        ? [['text/token-dropout', settings.tokenDropout > 0 ? { rate: settings.tokenDropout } : undefined]]
        : [];
  const stages: BatchAugment[] = [];
  const names: string[] = [];
  wanted.forEach(([key, options], position) => {
    if (options === undefined) return;
    const augmenter = registry.get(key);
    stages.push(augmenter.create(augmenter.optionsSchema.parse(options), layerSeed(seed, position)));
    names.push(`${key} ${JSON.stringify(options)}`);
  });
  if (stages.length === 0) return undefined;
  const apply = (x: tf.Tensor, ctx: AugmentContext): tf.Tensor => {
    let out = x;
    for (const stage of stages) {
      const next = stage(out, ctx);
      if (out !== x && next !== out) out.dispose();
      out = next;
    }
    return out;
  };
  return Object.assign(apply, { stages: names });
}

import { layerSeed } from '../../seed/layer-seed.ts';
import { createSeededRandom, type SeededRandom } from '../../seed/seeded-random.ts';
import type { AugmentContext } from './batch-augment.ts';

/**
 * The random source for one batch: a function of (seed, epoch, batch) alone, so an augmented
 * batch can be reproduced without replaying the batches before it.
 */
export function batchRandom(seed: number, ctx: AugmentContext): SeededRandom {
  return createSeededRandom(layerSeed(layerSeed(seed, ctx.epoch), ctx.batch));
}

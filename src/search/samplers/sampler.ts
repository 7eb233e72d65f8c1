import type { z } from 'zod';
import type { SeededRandom } from '../../seed/seeded-random.ts';
import type { Params, SearchSpace } from '../space.ts';
import type { TrialRecord as StudyTrial } from '../trial.ts';

/**
 * The part of a study's trial a sampler reads: a narrower type than the stored record, so tests
 * and benchmarks can build histories without timestamps. `value` and `intermediate` are minimised
 * (the study negates maximised objectives); pruned trials are ranked by their last intermediate.
 */
export type TrialRecord = Pick<StudyTrial, 'id' | 'params' | 'state' | 'value' | 'intermediate'>;

/**
 * Proposes the next trial's parameters. A sampler keeps no state between calls: the same space,
 * history (in trial order) and rng state give the same params, so a study restarted after a crash
 * continues exactly by replaying its recorded history. Inactive conditional parameters are never sampled.
 */
export interface Sampler {
  readonly name: string;
  sample(space: SearchSpace, history: readonly TrialRecord[], rng: SeededRandom): Params;
}

/**
 * What past tasks say about a new search (the warm start, search/warm-start/): configurations
 * that were good on the nearest past tasks, already adapted to this space. A sampler may ignore it.
 */
export interface SamplerPrior {
  readonly good: readonly Params[];
}

/** A registry entry: `optionsSchema` is what the task file's `search.sampler.options` is validated against. */
export interface SamplerEntry<O = unknown> {
  readonly name: string;
  readonly description: string;
  readonly optionsSchema: z.ZodType<O>;
  create(options: O, prior?: SamplerPrior): Sampler;
}

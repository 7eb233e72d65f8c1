import type { Params, SearchSpace } from '../../search/space.ts';
import type { FitOptimizer, LearningRateSchedule } from '../training-recipe.ts';
import type { GenomeBase } from '../genome.ts';

/** What a trial's params say about training, besides the architecture. */
export interface TrainingParams {
  readonly learningRate: number;
  readonly batchSize: number;
  readonly epochs: number;
  /** Absent means fitModel's default, Adam (a stored trial from before it was searched). */
  readonly optimizer?: FitOptimizer;
  /** Decoupled weight decay on kernels; absent means none. */
  readonly weightDecay?: number;
  /** The learning-rate schedule; absent means constant (a trial stored before it was searched). */
  readonly schedule?: LearningRateSchedule;
}

/**
 * A family's default search space and the two functions that turn one trial's flat params back
 * into what `buildModel` and `fitModel` take, so a trial is fully described by its params.
 * The space depends on the data's shape; the mapping does not, so a stored trial rebuilds alone.
 */
export interface FamilySearchSpace<G extends GenomeBase> {
  /** The family whose genome `genomeFromParams` returns. */
  readonly family: string;
  space(inputShape: readonly number[], outputs: number): SearchSpace;
  /** Reads the active params only; throws DL_TASK_FIELD naming a missing or mistyped one. */
  genomeFromParams(params: Params): G;
  trainingFromParams(params: Params): TrainingParams;
  /**
   * The family's hand-tuned default model (its `defaultGenome`) with the task's training settings,
   * as params of this space: the search's first trial, so a search never ends worse than the
   * default it replaces. Values outside an overridden space make the search skip it.
   */
  defaultParams?(inputShape: readonly number[], outputs: number, training: DefaultTraining): Params;
}

/** The task's `train` settings, which the default trial uses. */
export interface DefaultTraining {
  readonly learningRate: number;
  readonly batchSize: number;
  readonly epochs: number;
  readonly schedule?: LearningRateSchedule;
}

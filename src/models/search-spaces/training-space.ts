import type { Param, Params } from '../../search/space.ts';
import type { FitOptimizer, LearningRateSchedule } from '../training-recipe.ts';
import type { TrainingParams } from './family-search-space.ts';
import { ParamReader } from './param-reader.ts';

export interface TrainingSpaceOptions {
  readonly batchSizes: readonly number[];
  readonly epochs: readonly [number, number];
}

const OPTIMIZERS: readonly FitOptimizer[] = ['adam', 'sgd', 'rmsprop'];
const SCHEDULES: readonly LearningRateSchedule[] = ['cosine', 'constant'];

/**
 * The training part of every family's space: learning rate, batch size, epochs, the optimizer
 * and fitModel's decoupled weight decay. The decay is multiplied by the learning rate
 * (w ← w − lr·wd·w per step), so with lr ≤ 1e-2 it needs values up to 1e-1 to shrink kernels
 * noticeably within a few hundred steps; near 1e-5 it is effectively off. On synthetic checks
 * (blobs, a linear regression) RMSprop trained as well as Adam, and SGD with momentum 0.9
 * lagged below lr 3e-3 but matched them at 1e-2, a pairing the sampler can learn.
 */
export const trainingSpace = {
  params({ batchSizes, epochs }: TrainingSpaceOptions): Param[] {
    return [
      { name: 'learningRate', kind: 'float', low: 1e-4, high: 1e-2, log: true },
      { name: 'batchSize', kind: 'categorical', choices: [...batchSizes] },
      { name: 'epochs', kind: 'int', low: epochs[0], high: epochs[1] },
      { name: 'optimizer', kind: 'categorical', choices: [...OPTIMIZERS] },
      { name: 'weightDecay', kind: 'float', low: 1e-5, high: 1e-1, log: true },
      { name: 'schedule', kind: 'categorical', choices: [...SCHEDULES] },
    ];
  },

  /** The task's training settings with Adam and (nearly) no decay: the default trial's. */
  defaultParams(training: { learningRate: number; batchSize: number; epochs: number; schedule?: LearningRateSchedule }): Params {
    return { learningRate: training.learningRate, batchSize: training.batchSize, epochs: training.epochs, optimizer: 'adam', weightDecay: 1e-5, schedule: training.schedule ?? 'cosine' };
  },

  /**
   * `optimizer`, `weightDecay` and `schedule` are read only when present: trials stored before they were
   * searched, and task files whose space drops them, train with Adam and no decay as before.
   */
  fromParams(params: Params, family: string): TrainingParams {
    const read = new ParamReader(params, family);
    return {
      learningRate: read.number('learningRate'),
      batchSize: read.int('batchSize'),
      epochs: read.int('epochs'),
      ...(Object.hasOwn(params, 'optimizer') && { optimizer: read.oneOf('optimizer', OPTIMIZERS) }),
      ...(Object.hasOwn(params, 'weightDecay') && { weightDecay: read.number('weightDecay') }),
      ...(Object.hasOwn(params, 'schedule') && { schedule: read.oneOf('schedule', SCHEDULES) }),
    };
  },
};

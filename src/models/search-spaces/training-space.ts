import type { Param, Params } from '../../search/space.ts';
import type { TrainingParams } from './family-search-space.ts';
import { ParamReader } from './param-reader.ts';

export interface TrainingSpaceOptions {
  readonly batchSizes: readonly number[];
  readonly epochs: readonly [number, number];
}

/**
 * The training part of every family's space. fitModel trains with Adam and no weight decay, so
 * neither optimizer nor weight decay is searched: a parameter the loop ignores would only add
 * noise to the sampler's model of the objective.
 */
export const trainingSpace = {
  params({ batchSizes, epochs }: TrainingSpaceOptions): Param[] {
    return [
      { name: 'learningRate', kind: 'float', low: 1e-4, high: 1e-2, log: true },
      { name: 'batchSize', kind: 'categorical', choices: [...batchSizes] },
      { name: 'epochs', kind: 'int', low: epochs[0], high: epochs[1] },
    ];
  },

  fromParams(params: Params, family: string): TrainingParams {
    const read = new ParamReader(params, family);
    return { learningRate: read.number('learningRate'), batchSize: read.int('batchSize'), epochs: read.int('epochs') };
  },
};

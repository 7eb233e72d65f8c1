import type { TextPoolGenome } from '../families/text-family.ts';
import { denseStackSpace } from './dense-stack-space.ts';
import type { FamilySearchSpace } from './family-search-space.ts';
import { ParamReader } from './param-reader.ts';
import { trainingSpace } from './training-space.ts';

/** text-pool: embedding width, average or max pooling, the dense stack and training. */
export const textPoolSearchSpace: FamilySearchSpace<TextPoolGenome> = {
  family: 'text-pool',

  space(_inputShape, _outputs) {
    return {
      params: [
        { name: 'embeddingDim', kind: 'categorical', choices: [16, 32, 64, 128] },
        { name: 'pooling', kind: 'categorical', choices: ['avg', 'max'] },
        ...denseStackSpace.params([32, 64, 128]),
        ...trainingSpace.params({ batchSizes: [16, 32, 64], epochs: [5, 40] }),
      ],
    };
  },

  genomeFromParams(params) {
    const read = new ParamReader(params, 'text-pool');
    return { family: 'text-pool', embeddingDim: read.int('embeddingDim'), pooling: read.oneOf('pooling', ['avg', 'max'] as const), ...denseStackSpace.fromParams(read) };
  },

  trainingFromParams(params) {
    return trainingSpace.fromParams(params, 'text-pool');
  },
};

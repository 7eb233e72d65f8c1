import type { TextRnnGenome } from '../genome.ts';
import { denseStackSpace } from './dense-stack-space.ts';
import type { FamilySearchSpace } from './family-search-space.ts';
import { ParamReader } from './param-reader.ts';
import { trainingSpace } from './training-space.ts';

/**
 * text-rnn: embedding width, GRU or LSTM, units per direction, the dense stack and training.
 * Units stop at 64 and epochs at 20: recurrent steps are the slowest layers on a CPU backend.
 */
export const textRnnSearchSpace: FamilySearchSpace<TextRnnGenome> = {
  family: 'text-rnn',

  space(_inputShape, _outputs) {
    return {
      params: [
        { name: 'embeddingDim', kind: 'categorical', choices: [16, 32, 64] },
        { name: 'cell', kind: 'categorical', choices: ['gru', 'lstm'] },
        { name: 'units', kind: 'categorical', choices: [16, 32, 64] },
        ...denseStackSpace.params([32, 64]),
        ...trainingSpace.params({ batchSizes: [16, 32, 64], epochs: [3, 20] }),
      ],
    };
  },

  genomeFromParams(params) {
    const read = new ParamReader(params, 'text-rnn');
    return {
      family: 'text-rnn',
      embeddingDim: read.int('embeddingDim'),
      cell: read.oneOf('cell', ['gru', 'lstm'] as const),
      units: read.int('units'),
      ...denseStackSpace.fromParams(read),
    };
  },

  trainingFromParams(params) {
    return trainingSpace.fromParams(params, 'text-rnn');
  },
};

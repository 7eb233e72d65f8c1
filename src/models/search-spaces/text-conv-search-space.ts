import type { Param } from '../../search/space.ts';
import type { TextConvGenome } from '../genome.ts';
import { denseStackSpace } from './dense-stack-space.ts';
import { depthAtLeast } from './depth-condition.ts';
import type { FamilySearchSpace } from './family-search-space.ts';
import { ParamReader } from './param-reader.ts';
import { trainingSpace } from './training-space.ts';

const MAX_CONVS = 3;

/** text-conv: embedding width, 1–3 convolutions with their own filter counts, a shared kernel size, the dense stack and training. */
export const textConvSearchSpace: FamilySearchSpace<TextConvGenome> = {
  family: 'text-conv',

  space(_inputShape, _outputs) {
    const params: Param[] = [
      { name: 'embeddingDim', kind: 'categorical', choices: [16, 32, 64, 128] },
      { name: 'convDepth', kind: 'int', low: 1, high: MAX_CONVS },
    ];
    for (let i = 1; i <= MAX_CONVS; i++) {
      params.push({ name: `conv${i}.filters`, kind: 'categorical', choices: [32, 64, 128], ...(i > 1 ? { condition: depthAtLeast('convDepth', i, MAX_CONVS) } : {}) });
    }
    params.push(
      { name: 'kernelSize', kind: 'categorical', choices: [3, 5, 7] },
      ...denseStackSpace.params([32, 64, 128]),
      ...trainingSpace.params({ batchSizes: [16, 32, 64], epochs: [5, 30] }),
    );
    return { params };
  },

  genomeFromParams(params) {
    const read = new ParamReader(params, 'text-conv');
    return {
      family: 'text-conv',
      embeddingDim: read.int('embeddingDim'),
      convFilters: Array.from({ length: read.int('convDepth') }, (_, k) => read.int(`conv${k + 1}.filters`)),
      kernelSize: read.int('kernelSize'),
      ...denseStackSpace.fromParams(read),
    };
  },

  trainingFromParams(params) {
    return trainingSpace.fromParams(params, 'text-conv');
  },
};

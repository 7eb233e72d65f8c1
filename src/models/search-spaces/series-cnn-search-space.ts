import type { Param } from '../../search/space.ts';
import type { SeriesCnnGenome } from '../families/time-series-family.ts';
import { denseStackSpace } from './dense-stack-space.ts';
import type { FamilySearchSpace } from './family-search-space.ts';
import { ParamReader } from './param-reader.ts';
import { trainingSpace } from './training-space.ts';

/**
 * series-cnn: `layers` convolutions in [1, 4] sharing `filters` and `kernelSize`, then the dense
 * stack and training. The genome has no dilation or pooling (the family flattens to keep where
 * in the window a pattern sits), so neither is searched. Kernels longer than the window are not
 * offered (the family would clip them, making two choices one model); a one-step window gets 1.
 */
export const seriesCnnSearchSpace: FamilySearchSpace<SeriesCnnGenome> = {
  family: 'series-cnn',

  space(inputShape, _outputs) {
    const window = inputShape[0] ?? 1;
    // 3 and 7 suit daily data (a few days, a week); 14 reaches across two weeks in long windows.
    const kernels = [2, 3, 5, 7, 14].filter((k) => k <= window);
    const params: Param[] = [
      { name: 'layers', kind: 'int', low: 1, high: 4 },
      { name: 'filters', kind: 'categorical', choices: [16, 32, 64, 128] },
      { name: 'kernelSize', kind: 'categorical', choices: kernels.length > 0 ? kernels : [1] },
      // The flattened map has window × filters features, so the first dense layer is already wide.
      ...denseStackSpace.params([16, 32, 64, 128]),
      ...trainingSpace.params({ batchSizes: [16, 32, 64], epochs: [10, 60] }),
    ];
    return { params };
  },

  genomeFromParams(params) {
    const read = new ParamReader(params, 'series-cnn');
    return {
      family: 'series-cnn',
      filters: read.int('filters'),
      kernelSize: read.int('kernelSize'),
      layers: read.int('layers'),
      ...denseStackSpace.fromParams(read),
    };
  },

  trainingFromParams(params) {
    return trainingSpace.fromParams(params, 'series-cnn');
  },
};

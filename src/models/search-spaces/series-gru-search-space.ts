import type { Param } from '../../search/space.ts';
import { seriesGruFamily, type SeriesGruGenome } from '../families/series-gru-family.ts';
import { denseStackSpace } from './dense-stack-space.ts';
import type { FamilySearchSpace } from './family-search-space.ts';
import { ParamReader } from './param-reader.ts';
import { trainingSpace } from './training-space.ts';

/**
 * series-gru: 1 or 2 GRU layers sharing `units`, then the dense stack and training. Deeper
 * stacks and wider states cost a step per time step on a CPU for little gain on the
 * univariate series this family targets, so they are left out.
 */
export const seriesGruSearchSpace: FamilySearchSpace<SeriesGruGenome> = {
  family: 'series-gru',

  space() {
    const params: Param[] = [
      { name: 'layers', kind: 'int', low: 1, high: 2 },
      { name: 'units', kind: 'categorical', choices: [16, 32, 64] },
      ...denseStackSpace.params([16, 32, 64]),
      ...trainingSpace.params({ batchSizes: [16, 32, 64], epochs: [10, 60] }),
    ];
    return { params };
  },

  genomeFromParams(params) {
    const read = new ParamReader(params, 'series-gru');
    return { family: 'series-gru', units: read.int('units'), layers: read.int('layers'), ...denseStackSpace.fromParams(read) };
  },

  trainingFromParams(params) {
    return trainingSpace.fromParams(params, 'series-gru');
  },

  defaultParams(_inputShape, _outputs, training) {
    const genome = seriesGruFamily.defaultGenome([], 1);
    return { layers: genome.layers, units: genome.units, ...denseStackSpace.toParams(genome.dense, genome.dropout), ...trainingSpace.defaultParams(training) };
  },
};

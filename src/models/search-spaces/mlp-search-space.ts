import type { Param } from '../../search/space.ts';
import { mlpFamily } from '../families/mlp-family.ts';
import type { Activation, MlpGenome } from '../genome.ts';
import { depthAtLeast } from './depth-condition.ts';
import type { FamilySearchSpace } from './family-search-space.ts';
import { ParamReader } from './param-reader.ts';
import { trainingSpace } from './training-space.ts';

const MAX_DEPTH = 4;
const ACTIVATIONS: readonly Activation[] = ['relu', 'elu', 'selu', 'tanh', 'swish'];

/**
 * MLP: `depth` hidden layers in [0, 4], each with its own log-scaled `layerN.units` (a funnel or a
 * bottleneck is reachable, not only equal widths), plus dropout, batch norm and activation.
 * Depth 0 is the linear model (logistic or linear regression on the standardised features): on
 * small, near-linear tables it is the model to beat, and the ensemble can only pick it if the
 * search can draw it.
 */
export const mlpSearchSpace: FamilySearchSpace<MlpGenome> = {
  family: 'mlp',

  space(inputShape, outputs) {
    const features = inputShape.reduce((a, b) => a * b, 1);
    // Narrower than the class count loses information; far wider than the inputs only overfits.
    const low = Math.max(8, 2 ** Math.ceil(Math.log2(Math.max(outputs, 1))));
    const high = Math.max(low * 4, Math.min(1024, 2 ** Math.ceil(Math.log2(features * 8))));
    const params: Param[] = [{ name: 'depth', kind: 'int', low: 0, high: MAX_DEPTH }];
    for (let i = 1; i <= MAX_DEPTH; i++) {
      params.push({ name: `layer${i}.units`, kind: 'int', low, high, log: true, condition: depthAtLeast('depth', i, MAX_DEPTH) });
    }
    params.push(
      { name: 'dropout', kind: 'float', low: 0, high: 0.5 },
      { name: 'batchNorm', kind: 'categorical', choices: [false, true] },
      { name: 'activation', kind: 'categorical', choices: [...ACTIVATIONS] },
      ...trainingSpace.params({ batchSizes: [32, 64, 128, 256], epochs: [10, 60] }),
    );
    return { params };
  },

  genomeFromParams(params) {
    const read = new ParamReader(params, 'mlp');
    const depth = read.int('depth');
    return {
      family: 'mlp',
      hidden: Array.from({ length: depth }, (_, k) => read.int(`layer${k + 1}.units`)),
      dropout: read.number('dropout'),
      batchNorm: read.boolean('batchNorm'),
      activation: read.oneOf('activation', ACTIVATIONS),
    };
  },

  trainingFromParams(params) {
    return trainingSpace.fromParams(params, 'mlp');
  },

  defaultParams(inputShape, outputs, training) {
    const genome = mlpFamily.defaultGenome(inputShape, outputs);
    const layers = Object.fromEntries(genome.hidden.map((units, k) => [`layer${k + 1}.units`, units]));
    return { depth: genome.hidden.length, ...layers, dropout: genome.dropout, batchNorm: genome.batchNorm, activation: genome.activation, ...trainingSpace.defaultParams(training) };
  },
};

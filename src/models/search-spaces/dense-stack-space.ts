import type { Param } from '../../search/space.ts';
import { depthAtLeast } from './depth-condition.ts';
import type { ParamReader } from './param-reader.ts';

const MAX_DENSE = 2;

/**
 * The dense layers between a family's encoder and its head, shared by the cnn and text spaces:
 * `denseDepth` in [0, 2], then `dense1.units`, `dense2.units` while the depth reaches them, and
 * `dropout` (applied before each dense layer and the head).
 */
export const denseStackSpace = {
  params(units: readonly number[]): Param[] {
    const params: Param[] = [{ name: 'denseDepth', kind: 'int', low: 0, high: MAX_DENSE }];
    for (let i = 1; i <= MAX_DENSE; i++) params.push({ name: `dense${i}.units`, kind: 'categorical', choices: [...units], condition: depthAtLeast('denseDepth', i, MAX_DENSE) });
    params.push({ name: 'dropout', kind: 'float', low: 0, high: 0.5 });
    return params;
  },

  toParams(dense: readonly number[], dropout: number): Record<string, number> {
    return { denseDepth: dense.length, ...Object.fromEntries(dense.map((units, k) => [`dense${k + 1}.units`, units])), dropout };
  },

  fromParams(read: ParamReader): { dense: number[]; dropout: number } {
    const depth = read.int('denseDepth');
    return { dense: Array.from({ length: depth }, (_, k) => read.int(`dense${k + 1}.units`)), dropout: read.number('dropout') };
  },
};

import type { JsonValue, Param } from '../../search/space.ts';
import { cnnFamily } from '../families/cnn-family.ts';
import type { CnnBlock, CnnBlockKind, CnnGenome, PoolKind } from '../genome.ts';
import { denseStackSpace } from './dense-stack-space.ts';
import { depthAtLeast } from './depth-condition.ts';
import type { FamilySearchSpace } from './family-search-space.ts';
import { ParamReader } from './param-reader.ts';
import { trainingSpace } from './training-space.ts';

const KINDS: readonly CnnBlockKind[] = ['conv', 'residual', 'separable'];
const POOLS: readonly PoolKind[] = ['max', 'avg', 'none'];
const GLOBAL_POOLS = ['avg', 'max', 'none'] as const;

/**
 * CNN: `depth` blocks, each with its own `blockN.kind` (conv, residual, separable), filters,
 * kernel size, pooling and batch norm, active only while the depth reaches it; then global
 * pooling, the dense stack and training. The image size bounds the depth (each block may halve
 * it) and the filter choices; flattening is offered only for small images, where it stays cheap.
 */
export const cnnSearchSpace: FamilySearchSpace<CnnGenome> = {
  family: 'cnn',

  space(inputShape, outputs) {
    const side = Math.min(inputShape[0], inputShape[1]);
    const maxDepth = Math.max(1, Math.min(5, Math.floor(Math.log2(side))));
    const filters = side <= 16 ? [8, 16, 32, 64] : [16, 32, 64, 128, 256];
    const params: Param[] = [{ name: 'depth', kind: 'int', low: 1, high: maxDepth }];
    for (let i = 1; i <= maxDepth; i++) {
      const condition = i > 1 ? { condition: depthAtLeast('depth', i, maxDepth) } : {};
      params.push(
        { name: `block${i}.kind`, kind: 'categorical', choices: [...KINDS], ...condition },
        { name: `block${i}.filters`, kind: 'categorical', choices: filters, ...condition },
        { name: `block${i}.kernelSize`, kind: 'categorical', choices: [3, 5], ...condition },
        { name: `block${i}.pool`, kind: 'categorical', choices: [...POOLS], ...condition },
        { name: `block${i}.batchNorm`, kind: 'categorical', choices: [true, false], ...condition },
      );
    }
    params.push(
      { name: 'globalPool', kind: 'categorical', choices: side <= 16 ? [...GLOBAL_POOLS] : ['avg', 'max'] },
      ...denseStackSpace.params(outputs > 64 ? [128, 256, 512] : [32, 64, 128, 256]),
      ...trainingSpace.params({ batchSizes: [32, 64, 128], epochs: [5, 30] }),
    );
    return { params };
  },

  genomeFromParams(params) {
    const read = new ParamReader(params, 'cnn');
    const blocks = Array.from({ length: read.int('depth') }, (_, k): CnnBlock => {
      const at = `block${k + 1}`;
      return {
        kind: read.oneOf(`${at}.kind`, KINDS),
        filters: read.int(`${at}.filters`),
        kernelSize: read.int(`${at}.kernelSize`),
        pool: read.oneOf(`${at}.pool`, POOLS),
        batchNorm: read.boolean(`${at}.batchNorm`),
      };
    });
    return { family: 'cnn', blocks, ...denseStackSpace.fromParams(read), globalPool: read.oneOf('globalPool', GLOBAL_POOLS) };
  },

  trainingFromParams(params) {
    return trainingSpace.fromParams(params, 'cnn');
  },

  defaultParams(inputShape, outputs, training) {
    const genome = cnnFamily.defaultGenome(inputShape, outputs);
    const params: Record<string, JsonValue> = { depth: genome.blocks.length };
    genome.blocks.forEach((b, k) => {
      const at = `block${k + 1}`;
      Object.assign(params, { [`${at}.kind`]: b.kind ?? 'conv', [`${at}.filters`]: b.filters, [`${at}.kernelSize`]: b.kernelSize, [`${at}.pool`]: b.pool, [`${at}.batchNorm`]: b.batchNorm });
    });
    return { ...params, globalPool: genome.globalPool ?? 'none', ...denseStackSpace.toParams(genome.dense, genome.dropout), ...trainingSpace.defaultParams(training) };
  },
};

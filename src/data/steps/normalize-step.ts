import { defineStep, type Step } from '../../pipeline/step.ts';
import { applyTransform, fitTransform, type NormalizeMode } from '../normalizer.ts';
import { getDataset, putDataset } from './dataset-artifact.ts';

export interface NormalizeParams {
  readonly mode?: NormalizeMode;
  /** Standardise a regression target (default true); predictions are mapped back with `inverseTarget`. */
  readonly scaleTarget?: boolean;
}

export type NormalizeInput = 'train' | 'validation' | 'test';
export type NormalizeOutput = 'train' | 'validation' | 'test' | 'transform';

/**
 * Fits the normalisation on `train` alone and applies it to all three splits. The `transform`
 * output is the JSON that evaluation and serving apply to raw inputs.
 */
export function normalizeStep(params: NormalizeParams = {}, options: { from?: string } = {}): Step<NormalizeInput, NormalizeOutput> {
  const from = options.from ?? 'split';
  return defineStep<NormalizeInput, NormalizeOutput>({
    name: 'normalize',
    version: '1',
    params: { mode: params.mode ?? 'auto', scaleTarget: params.scaleTarget ?? true },
    inputs: { train: `${from}.train`, validation: `${from}.validation`, test: `${from}.test` },
    outputs: ['train', 'validation', 'test', 'transform'],
    description: 'fit normalisation on train, apply to all splits',
    async run(ctx, inputs) {
      const train = await getDataset(ctx, inputs.train);
      const transform = fitTransform(train, { mode: params.mode, scaleTarget: params.scaleTarget });
      ctx.log.info(`normalize: ${transform.kind}${transform.target ? ', target standardised' : ''}`);
      const out = async (name: NormalizeInput, ds = train) => putDataset(ctx, name, applyTransform(transform, ds));
      return {
        train: await out('train'),
        validation: await out('validation', await getDataset(ctx, inputs.validation)),
        test: await out('test', await getDataset(ctx, inputs.test)),
        transform: await ctx.artifacts.putJson(transform),
      };
    },
  });
}

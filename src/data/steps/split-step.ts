import { defineStep, type Step } from '../../pipeline/step.ts';
import { splitDataset, type SplitFractions } from '../split.ts';
import { getDataset, putDataset } from './dataset-artifact.ts';

export interface SplitParams {
  readonly fractions: SplitFractions;
  /** Default true for class targets. */
  readonly stratify?: boolean;
}

export type SplitInput = 'dataset' | 'test';
export type SplitOutput = 'train' | 'validation' | 'test' | 'splitSummary';

/**
 * Cuts the ingested data into train/validation/test with the step's seed. A non-empty `test`
 * input (the source's own test set) is passed through, and only train/validation are cut.
 */
export function splitStep(params: SplitParams, options: { from?: string } = {}): Step<SplitInput, SplitOutput> {
  const from = options.from ?? 'ingest';
  return defineStep<SplitInput, SplitOutput>({
    name: 'split',
    version: '1',
    params: { fractions: params.fractions, stratify: params.stratify ?? true },
    inputs: { dataset: `${from}.dataset`, test: `${from}.test` },
    outputs: ['train', 'validation', 'test', 'splitSummary'],
    description: 'split into train / validation / test',
    async run(ctx, inputs) {
      const dataset = await getDataset(ctx, inputs.dataset);
      const given = await getDataset(ctx, inputs.test);
      const result = splitDataset(dataset, {
        fractions: params.fractions,
        seed: ctx.seed,
        stratify: params.stratify,
        predefinedTest: given.n > 0 ? given : undefined,
      });
      const { counts } = result.summary;
      ctx.log.info(`split: ${counts.train} train, ${counts.validation} validation, ${counts.test} test (${result.summary.testSource} test set)`);
      return {
        train: await putDataset(ctx, 'train', result.train),
        validation: await putDataset(ctx, 'validation', result.validation),
        test: await putDataset(ctx, 'test', result.test),
        splitSummary: await ctx.artifacts.putJson(result.summary),
      };
    },
  });
}

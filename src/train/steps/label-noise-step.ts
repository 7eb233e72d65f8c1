import { defineStep, type Step, type StepContext } from '../../pipeline/step.ts';
import { subsetDataset } from '../../data/dataset.ts';
import { findLabelIssues } from '../../data/label-noise/find-label-issues.ts';
import type { FoldClassifier } from '../../data/label-noise/fold-classifier.ts';
import { labelNoiseReport } from '../../data/label-noise/label-noise-report.ts';
import { mlpClassifier } from '../label-noise/mlp-classifier.ts';
import type { LabelIssueMethod } from '../../data/label-noise/select-label-issues.ts';
import { softmaxRegression } from '../../data/label-noise/softmax-regression.ts';
import { getDataset, putDataset } from '../../data/steps/dataset-artifact.ts';

export interface LabelNoiseParams {
  /** `flag` (default) only reports suspects; `drop` also removes them from `train`. */
  readonly action?: 'flag' | 'drop';
  /** Cross-validation folds (default 5). */
  readonly folds?: number;
  readonly method?: LabelIssueMethod;
  /** The per-fold model: `softmax` (default, plain typed arrays) or `mlp` (one hidden layer, through the engine). */
  readonly model?: 'softmax' | 'mlp';
}

export type LabelNoiseInput = 'train';
export type LabelNoiseOutput = 'train' | 'labelNoise';

const MODELS: Record<NonNullable<LabelNoiseParams['model']>, (ctx: StepContext) => FoldClassifier> = {
  softmax: () => softmaxRegression(),
  mlp: (ctx) => mlpClassifier(ctx.deepline),
};

/**
 * Step `label-noise`: flags training examples whose given label the rest of the data disagrees
 * with (confident learning on out-of-fold probabilities). Outputs `labelNoise` (LabelNoiseReport
 * JSON: counts per class and every suspect with its source row) and `train`: the input as is, or
 * without the suspects when `action` is `drop`. Where no check can run (a numeric target, too
 * few examples, missing feature values) the data passes through and the report says why.
 */
export function labelNoiseStep(params: LabelNoiseParams = {}, options: { from?: string } = {}): Step<LabelNoiseInput, LabelNoiseOutput> {
  const from = options.from ?? 'split';
  const settings = {
    action: params.action ?? 'flag',
    method: params.method ?? 'prune-by-class',
    model: params.model ?? 'softmax',
    folds: params.folds ?? 5,
  } as const;
  return defineStep<LabelNoiseInput, LabelNoiseOutput>({
    name: 'label-noise',
    version: '1',
    params: settings,
    inputs: { train: `${from}.train` },
    outputs: ['train', 'labelNoise'],
    description: settings.action === 'drop' ? 'find and drop likely mislabelled examples' : 'find likely mislabelled examples',
    async run(ctx, inputs) {
      const train = await getDataset(ctx, inputs.train);
      const reason =
        train.target.kind !== 'class'
          ? 'the target is numeric'
          : train.n < Math.max(2, settings.folds)
            ? `only ${train.n} training examples`
            : !train.x.every(Number.isFinite)
              ? 'some features are missing or infinite (impute them first)'
              : undefined;
      if (reason !== undefined) {
        ctx.log.info(`label-noise: skipped (${reason})`);
        // The input artifact is passed on as is: nothing was changed.
        return { train: inputs.train, labelNoise: await ctx.artifacts.putJson(labelNoiseReport(train, settings, { skipped: reason })) };
      }
      const result = await findLabelIssues(train, {
        folds: settings.folds,
        seed: ctx.seed,
        method: settings.method,
        model: MODELS[settings.model](ctx),
        signal: ctx.signal,
        onFold: (done, total) => ctx.progress({ done, total, unit: 'fold' }),
      });
      const report = labelNoiseReport(train, settings, result);
      await ctx.logMetric('label_noise_suspects', report.flagged);
      await ctx.logMetric('label_noise_oof_accuracy', result.outOfFoldAccuracy);
      ctx.log.info(`label-noise: ${report.flagged} of ${train.n} examples look mislabelled${settings.action === 'drop' ? ' (dropped)' : ''}`);
      let out = inputs.train;
      if (settings.action === 'drop' && result.suspects.length > 0) {
        const suspect = new Set(result.suspects.map((s) => s.index));
        const keep: number[] = [];
        for (let i = 0; i < train.n; i++) if (!suspect.has(i)) keep.push(i);
        out = await putDataset(ctx, 'train', subsetDataset(train, keep));
      }
      return { train: out, labelNoise: await ctx.artifacts.putJson(report) };
    },
  });
}

import { DeeplineError } from '../../errors/index.ts';
import { defineStep, type Step } from '../../pipeline/step.ts';
import { balanceTraining, type BalanceMode } from '../balance/balance-training.ts';
import { flagOutliers } from '../clean/flag-outliers.ts';
import { fitOutlierRule } from '../clean/outlier-rule.ts';
import { loadTable, subsetTable, type Table } from '../table.ts';
import { applyTableTransform } from '../transform/apply-table-transform.ts';
import { fitTableTransform, type TableTransformOptions } from '../transform/fit-table-transform.ts';
import { putDataset } from './dataset-artifact.ts';

export interface TransformParams extends Omit<TableTransformOptions, 'target'> {
  /** `auto` (default): class weights when the training classes are imbalanced. */
  readonly balance?: BalanceMode;
  /** `drop` removes training rows with an outlier (rule fitted on training rows) before fitting; anything else keeps them. */
  readonly outliers?: 'flag' | 'drop' | 'none';
  readonly outlierThreshold?: number;
}

export type TransformInput = 'train' | 'validation' | 'test';
export type TransformOutput = 'train' | 'validation' | 'test' | 'transform' | 'balance' | 'trainCleaning';

/**
 * Step `transform`: the raw train/validation/test tables → tensor-ready data sets. In order, on
 * the training split alone: drop outlier rows (when `outliers: drop`), fit the table transform,
 * then balance (class weights in `balance`, or oversampled `train`). Validation and test are
 * only transformed — never filtered or resampled — so evaluation sees the data as it is.
 * Outputs: the three data sets, `transform` (TableTransform JSON: what serving applies),
 * `balance` (BalanceReport JSON, `classWeights` for training) and `trainCleaning` (what was
 * dropped from training).
 */
export function transformStep(params: TransformParams = {}, options: { from?: string } = {}): Step<TransformInput, TransformOutput> {
  const from = options.from ?? 'split';
  const settings = {
    impute: params.impute ?? true,
    textColumn: params.textColumn ?? null,
    targetKind: params.targetKind ?? null,
    maxCategoriesOneHot: params.maxCategoriesOneHot ?? 20,
    vocabSize: params.vocabSize ?? 20_000,
    maxLen: params.maxLen ?? null,
    exclude: params.exclude ?? {},
    balance: params.balance ?? 'auto',
    outliers: params.outliers ?? 'flag',
    outlierThreshold: params.outlierThreshold ?? 3.5,
  };
  return defineStep<TransformInput, TransformOutput>({
    name: 'transform',
    version: '1',
    params: settings,
    inputs: { train: `${from}.train`, validation: `${from}.validation`, test: `${from}.test` },
    outputs: ['train', 'validation', 'test', 'transform', 'balance', 'trainCleaning'],
    description: 'fit the data transform on train, apply it to all splits, balance train',
    async run(ctx, inputs) {
      const load = async (name: TransformInput): Promise<Table> => loadTable(await ctx.artifacts.localPath(inputs[name]));
      const raw = await load('train');
      const { kept: train, report: trainCleaning } =
        settings.outliers === 'drop'
          ? dropOutliers(raw, settings.outlierThreshold, Object.keys(settings.exclude))
          : { kept: raw, report: { outliers: { action: settings.outliers, rowsDropped: 0 } } };
      const transform = fitTableTransform(train, {
        impute: settings.impute,
        textColumn: settings.textColumn === 'auto' ? pickTextColumn(train) : (settings.textColumn ?? undefined),
        targetKind: settings.targetKind ?? undefined,
        maxCategoriesOneHot: settings.maxCategoriesOneHot,
        vocabSize: settings.vocabSize,
        maxLen: settings.maxLen ?? undefined,
        exclude: settings.exclude,
      });
      const balanced = balanceTraining(applyTableTransform(transform, train), settings.balance, ctx.seed);
      const first = transform.columns[0];
      const shape = first.kind === 'tokens' ? `${first.maxLen} token ids, vocabulary of ${first.vocabulary.length}` : `${transform.featureShape[0]} features from ${transform.columns.length} column(s)`;
      ctx.log.info(`transform: ${shape}; ${trainCleaning.outliers.rowsDropped} outlier row(s) dropped from train; balance: ${balanced.report.applied}`);
      return {
        train: await putDataset(ctx, 'train', balanced.train),
        validation: await putDataset(ctx, 'validation', applyTableTransform(transform, await load('validation'))),
        test: await putDataset(ctx, 'test', applyTableTransform(transform, await load('test'))),
        transform: await ctx.artifacts.putJson(transform),
        balance: await ctx.artifacts.putJson(balanced.report),
        trainCleaning: await ctx.artifacts.putJson(trainCleaning),
      };
    },
  });
}

/** Refits the robust outlier rule on the training rows and keeps the rows it does not flag. */
function dropOutliers(train: Table, threshold: number, exclude: string[]) {
  const rule = fitOutlierRule(train, { threshold, exclude });
  const flags = flagOutliers(rule, train);
  const keep = Int32Array.from({ length: train.n }, (_, i) => i).filter((i) => flags.flagged[i] === 0);
  return {
    kept: subsetTable(train, keep),
    report: {
      outliers: {
        action: 'drop' as const,
        rule: `|x - median| / (1.4826 * MAD) > ${rule.threshold}, fitted on the training split`,
        rowsDropped: flags.rowsFlagged,
        columns: flags.columns,
        skipped: rule.skipped,
      },
    },
  };
}

/** For `textColumn: 'auto'`: the text column with the longest texts on average (the most to read). */
function pickTextColumn(table: Table): string {
  let best: { name: string; length: number } | undefined;
  for (const col of table.columns) {
    if (col.type !== 'text' || col.name === table.target) continue;
    let total = 0;
    for (const v of col.values) total += v?.length ?? 0;
    const length = total / Math.max(1, table.n);
    if (!best || length > best.length) best = { name: col.name, length };
  }
  if (!best) {
    throw new DeeplineError('DL_DATA_FORMAT', `text classification needs a free-text column, but the columns are ${table.columns.map((c) => `${c.name} (${c.type})`).join(', ')}`, {
      hint: 'use tabular-classification for data without free text',
    });
  }
  return best.name;
}

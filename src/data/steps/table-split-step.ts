import { join } from 'node:path';
import { defineStep, type Step } from '../../pipeline/step.ts';
import { splitTable, type SplitFractions } from '../split.ts';
import { loadTable, saveTable } from '../table.ts';

export interface TableSplitParams {
  readonly fractions: SplitFractions;
  /** Keep class proportions (default: true unless the target is numeric or a date). */
  readonly stratify?: boolean;
  /** The task's `data.group`: rows sharing its value never span two splits. */
  readonly group?: string;
  /** The task's `data.time`: train on the earliest rows, validate and test on later ones. */
  readonly time?: string;
}

export type TableSplitInput = 'table';
export type TableSplitOutput = 'train' | 'validation' | 'test' | 'splitSummary';

/**
 * Step `split` for raw tables: cuts `table` into train/validation/test tables with the step's
 * seed — stratified, group-aware or time-ordered (see `splitTable`) — and writes `splitSummary`
 * (TableSplitSummary JSON: counts per split and class, groups per split, time ranges).
 */
export function tableSplitStep(params: TableSplitParams, options: { from?: string } = {}): Step<TableSplitInput, TableSplitOutput> {
  const from = options.from ?? 'clean';
  return defineStep<TableSplitInput, TableSplitOutput>({
    name: 'split',
    version: '1',
    params: { fractions: params.fractions, stratify: params.stratify ?? null, group: params.group ?? null, time: params.time ?? null },
    inputs: { table: `${from}.table` },
    outputs: ['train', 'validation', 'test', 'splitSummary'],
    description: params.time ? 'split in time order' : params.group ? 'split by group' : 'split into train / validation / test',
    async run(ctx, inputs) {
      const table = await loadTable(await ctx.artifacts.localPath(inputs.table));
      const { summary, ...parts } = splitTable(table, { fractions: params.fractions, seed: ctx.seed, stratify: params.stratify, group: params.group, time: params.time });
      const { counts } = summary;
      ctx.log.info(`split (${summary.strategy}): ${counts.train} train, ${counts.validation} validation, ${counts.test} test`);
      const put = async (name: keyof typeof parts) => {
        const dir = join(ctx.workDir, name);
        await saveTable(dir, parts[name]);
        return ctx.artifacts.putDir(dir, { move: true });
      };
      return { train: await put('train'), validation: await put('validation'), test: await put('test'), splitSummary: await ctx.artifacts.putJson(summary) };
    },
  });
}

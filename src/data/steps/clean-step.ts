import { join } from 'node:path';
import { defineStep, type Step, type StepContext } from '../../pipeline/step.ts';
import type { ArtifactRef } from '../../store/artifacts/artifact-store.ts';
import { cleanTable, type CleanOptions } from '../clean/clean-table.ts';
import { loadTable, saveTable, type Table } from '../table.ts';

export type CleanParams = CleanOptions;

export type CleanInput = 'table';
export type CleanOutput = 'table' | 'cleaning';

/**
 * Step `clean`, on the raw table before the split: drops rows without a target and exact
 * duplicates (so no copy can sit in both train and test), counts missing values and flags
 * outliers. Outputs the cleaned `table` and `cleaning` (CleaningReport JSON). Imputation and
 * dropping outliers are fitted on the training split later, by the transform step.
 */
export function cleanStep(params: CleanParams = {}, options: { from?: string } = {}): Step<CleanInput, CleanOutput> {
  const from = options.from ?? 'ingest';
  const settings = {
    dropDuplicates: params.dropDuplicates ?? true,
    outliers: params.outliers ?? 'flag',
    outlierThreshold: params.outlierThreshold ?? 3.5,
    outlierExclude: params.outlierExclude ?? [],
    examples: params.examples ?? 5,
  };
  return defineStep<CleanInput, CleanOutput>({
    name: 'clean',
    version: '1',
    params: settings,
    inputs: { table: `${from}.table` },
    outputs: ['table', 'cleaning'],
    description: 'drop duplicates and unlabelled rows, count missing values, flag outliers',
    async run(ctx, inputs) {
      const raw = await loadTable(await ctx.artifacts.localPath(inputs.table));
      const { table, report } = cleanTable(raw, settings);
      const outliers = report.outliers ? `, ${report.outliers.rowsFlagged} row(s) with outliers flagged` : '';
      ctx.log.info(`clean: ${report.rowsIn} → ${report.rowsOut} rows (${report.duplicates.dropped} duplicate(s), ${report.missingTarget.dropped} without target dropped${outliers})`);
      return { table: await putTable(ctx, table), cleaning: await ctx.artifacts.putJson(report) };
    },
  });
}

async function putTable(ctx: StepContext, table: Table): Promise<ArtifactRef> {
  const dir = join(ctx.workDir, 'table');
  await saveTable(dir, table);
  return ctx.artifacts.putDir(dir, { move: true });
}

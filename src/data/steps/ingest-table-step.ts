import { join } from 'node:path';
import { defineStep, type Step } from '../../pipeline/step.ts';
import { readTable, type TableSource } from '../readers/read-table.ts';
import { sourceContentHash } from '../source-fingerprint.ts';
import { saveTable, type Table } from '../table.ts';
import { DeeplineError } from '../../errors/index.ts';

export interface IngestTableParams {
  readonly source: TableSource;
  /** `sourceFingerprint(source.path)`: puts the file's size and time into the cache key. */
  readonly fingerprint: string;
  /** A regression target must read as numbers; checked here, before any work is spent on it. */
  readonly taskKind: 'classification' | 'regression';
}

/** The `summary` output of a table ingest: what was read, for reports and `deepline show`. */
export interface IngestTableSummary {
  readonly path: string;
  readonly format: string;
  /** sha256 of the file's content: the data version this run trained on. */
  readonly dataVersion: string;
  readonly rows: number;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly target: string;
  readonly warnings: readonly string[];
}

/**
 * Step `ingest` for CSV/TSV/JSONL: reads the file into a raw Table of typed columns (output
 * `table`) stamped with the content hash of the file, and a `summary` JSON. Transforms come later,
 * fitted on the training split alone.
 */
export function ingestTableStep(params: IngestTableParams): Step<never, 'table' | 'summary'> {
  return defineStep<never, 'table' | 'summary'>({
    name: 'ingest',
    version: '3',
    params: { source: params.source, fingerprint: params.fingerprint, taskKind: params.taskKind },
    inputs: {},
    outputs: ['table', 'summary'],
    description: `read ${params.source.path}`,
    async run(ctx) {
      const [{ table: raw, warnings }, dataVersion] = await Promise.all([
        readTable(params.source, { onProgress: (p) => ctx.progress(p), signal: ctx.signal }),
        sourceContentHash(params.source.path),
      ]);
      for (const warning of warnings) ctx.log.warn(warning);
      if (params.taskKind === 'regression') checkNumericTarget(raw, params.source.path);
      const table = { ...raw, dataVersion };
      const dir = join(ctx.workDir, 'table');
      await saveTable(dir, table);
      const summary: IngestTableSummary = {
        path: params.source.path,
        format: params.source.format,
        dataVersion,
        rows: table.n,
        columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
        target: table.target,
        warnings,
      };
      return { table: await ctx.artifacts.putDir(dir, { move: true }), summary: await ctx.artifacts.putJson(summary) };
    },
  });
}

function checkNumericTarget(table: Table, file: string): void {
  const col = table.columns.find((c) => c.name === table.target);
  if (!col || col.type === 'numeric') return;
  const examples =
    col.type === 'categorical'
      ? col.categories.slice(0, 3).map((c) => `"${c}"`).join(', ')
      : col.type === 'text'
        ? col.values.filter((v) => v !== null).slice(0, 3).map((v) => `"${v}"`).join(', ')
        : '';
  throw new DeeplineError('DL_DATA_TARGET', `${file}: target ${table.target} holds ${col.type} values${examples ? ` (${examples}, ...)` : ''}, but a regression target must be numeric`, {
    hint: `fix the non-numeric values of ${table.target}, or use task: tabular-classification to predict it as classes`,
    location: { file, field: table.target },
  });
}

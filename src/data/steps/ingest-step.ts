import { defineStep, type Step } from '../../pipeline/step.ts';
import type { Registry } from '../../extensions/registry.ts';
import type { Dataset } from '../dataset.ts';
import type { DataReader, DataSource } from '../readers/data-reader.ts';
import { inferFormat } from '../readers/infer-format.ts';
import { sourceContentHash } from '../source-fingerprint.ts';
import { putDataset } from './dataset-artifact.ts';

export interface IngestParams {
  /** `format: 'auto'` picks the reader from the path (see inferFormat). */
  readonly source: DataSource;
  /** `sourceFingerprint(source.path)`: puts the files' sizes and times into the cache key. */
  readonly fingerprint: string;
}

export type IngestOutput = 'dataset' | 'test' | 'summary';

/** The `summary` output: what was read, for reports and `deepline show`. */
export interface IngestSummary {
  readonly path: string;
  readonly format: string;
  /** sha256 of the source files' content. */
  readonly dataVersion: string;
  readonly rows: number;
  /** Rows of the source's own test set, 0 when it has none. */
  readonly testRows: number;
  readonly featureShape: readonly number[];
  readonly target: { kind: 'class' | 'numeric'; name: string };
  readonly classes?: ReadonlyArray<{ name: string; count: number; testCount: number }>;
  readonly targetRange?: { min: number; max: number; mean: number };
  readonly warnings: readonly string[];
}

/**
 * Reads the task's data source into a data set. Outputs `dataset`, `test` (the source's own test
 * set, or an empty data set with n = 0 when it has none: step outputs cannot be optional) and a
 * `summary` JSON. The data's content hash is stored as `dataVersion` in both.
 */
export function ingestStep(params: IngestParams, options: { readers?: Registry<DataReader> } = {}): Step<never, IngestOutput> {
  return defineStep<never, IngestOutput>({
    name: 'ingest',
    version: '1',
    params: { source: params.source, fingerprint: params.fingerprint },
    inputs: {},
    outputs: ['dataset', 'test', 'summary'],
    description: `read ${params.source.path}`,
    async run(ctx) {
      const { source } = params;
      const format = source.format === 'auto' ? await inferFormat(source.path) : source.format;
      const reader = (options.readers ?? ctx.deepline.registries.readers).get(format, 'DL_TASK_FIELD');
      const [result, dataVersion] = await Promise.all([
        reader.read({ ...source, format }, { onProgress: (p) => ctx.progress(p), signal: ctx.signal }),
        sourceContentHash(source.path),
      ]);
      for (const warning of result.warnings) ctx.log.warn(warning);
      const dataset: Dataset = { ...result.dataset, dataVersion };
      const test: Dataset = result.test ? { ...result.test, dataVersion } : emptyLike(dataset);
      const summary = summarise(source.path, format, dataVersion, dataset, result.test, result.warnings);
      return {
        dataset: await putDataset(ctx, 'dataset', dataset),
        test: await putDataset(ctx, 'test', test),
        summary: await ctx.artifacts.putJson(summary),
      };
    },
  });
}

function emptyLike(ds: Dataset): Dataset {
  return { ...ds, n: 0, x: new Float32Array(0), y: new Float32Array(0), sourceRows: ds.sourceRows ? new Int32Array(0) : undefined };
}

function summarise(path: string, format: string, dataVersion: string, ds: Dataset, test: Dataset | undefined, warnings: string[]): IngestSummary {
  const base = {
    path,
    format,
    dataVersion,
    rows: ds.n,
    testRows: test?.n ?? 0,
    featureShape: [...ds.featureShape],
    target: { kind: ds.target.kind, name: ds.target.name },
    warnings,
  };
  if (ds.target.kind === 'class') {
    const counts = classCounts(ds);
    const testCounts = test ? classCounts(test) : [];
    return { ...base, classes: ds.target.classes.map((name, k) => ({ name, count: counts[k] ?? 0, testCount: testCounts[k] ?? 0 })) };
  }
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of ds.y) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  return { ...base, targetRange: { min, max, mean: sum / ds.n } };
}

function classCounts(ds: Dataset): number[] {
  const counts: number[] = [];
  for (const label of ds.y) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

import type { TaskSpec } from './task-spec.ts';
import { TABLE_FORMATS } from '../data/readers/data-formats.ts';
import { concatDatasets, type Dataset } from '../data/dataset.ts';
import type { ReadOptions } from '../data/readers/data-reader.ts';
import { detectHeaderLine } from '../data/readers/detect-header-line.ts';
import { createReaderRegistry } from '../data/readers/reader-registry.ts';
import { readHeadRecords } from '../data/readers/read-head-records.ts';
import { readTable } from '../data/readers/read-table.ts';
import { sourceContentHash } from '../data/source-fingerprint.ts';
import type { Table } from '../data/table.ts';

/** A task's data as the data stage sees it: a raw table, or images (with the source's own test set appended). */
export type TaskData =
  /** `targetMissing`: read with `labelOptional`, the file has no target column (its table then lacks it). */
  | { readonly kind: 'table'; readonly table: Table; readonly warnings: readonly string[]; readonly targetMissing?: boolean }
  | { readonly kind: 'images'; readonly dataset: Dataset; readonly testRows: number; readonly warnings: readonly string[] };

/**
 * Reads the data a task names — or, with `path`, another file in the same format and with the
 * same target (new data to validate). Tables (CSV/TSV/JSONL of a non-image task) go through
 * readTable; images through the reader registry, the source's predefined test set (IDX t10k)
 * appended so the profile covers all the task's data. The content hash is the data version.
 * With `labelOptional` another file may lack the target column, as data to predict on does.
 */
export async function readTaskData(spec: TaskSpec, options: ReadOptions & { path?: string; labelOptional?: boolean } = {}): Promise<TaskData> {
  const path = options.path ?? spec.data.path;
  const dataVersion = await sourceContentHash(path);
  const format = spec.data.format;
  // Pixel columns of an image task are images, not a table of 784 features.
  const tableFormat = spec.task === 'image-classification' ? undefined : TABLE_FORMATS.find((f) => f === format);
  if (tableFormat && spec.data.target) {
    const other = options.path !== undefined && options.path !== spec.data.path;
    // Another file's header is found on its own: new data need not have the training file's preamble.
    const found = other && tableFormat !== 'jsonl' ? detectHeaderLine(await readHeadRecords(path, tableFormat === 'tsv' ? '\t' : ',', 50), spec.data.target) : undefined;
    const header = other ? found?.line : spec.data.header;
    const { table, warnings, targetMissing } = await readTable(
      { path, format: tableFormat, target: spec.data.target, ...(header !== undefined && { header }), ...(options.labelOptional && { targetOptional: true }) },
      options,
    );
    const note = other ? found?.note : spec.source.headerInference;
    if (note) warnings.unshift(`${path}: ${note}`);
    return { kind: 'table', table: { ...table, dataVersion }, warnings, ...(targetMissing && { targetMissing }) };
  }
  const reader = createReaderRegistry().get(format, 'DL_TASK_FIELD');
  const result = await reader.read(
    {
      path,
      format,
      target: spec.data.target,
      image: spec.data.image,
      classes: spec.data.classes,
      taskKind: spec.task.endsWith('regression') ? 'regression' : 'classification',
      ...(spec.data.header !== undefined && options.path === undefined && { header: spec.data.header }),
    },
    options,
  );
  const test = result.test && result.test.n > 0 ? result.test : undefined;
  const dataset = test ? concatDatasets(result.dataset, test) : result.dataset;
  return { kind: 'images', dataset: { ...dataset, dataVersion }, testRows: test?.n ?? 0, warnings: result.warnings };
}

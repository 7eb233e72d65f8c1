import { DeeplineError } from '../../errors/index.ts';
import type { Column, ColumnType, Table } from '../table.ts';
import { checkColumnNames } from './check-column-names.ts';
import type { ReadOptions } from './data-reader.ts';
import { detectHeaderLine } from './detect-header-line.ts';
import { readDelimited } from './read-delimited.ts';
import { readHeadRecords } from './read-head-records.ts';
import { readJsonlObjects } from './read-jsonl-objects.ts';
import { statSource } from './stat-source.ts';
import { TableBuilder, type BuiltColumns } from './table-builder.ts';
import { withHeaderAdvice } from './with-header-advice.ts';

/** A raw table to read: `target` names the column to predict; `limit` keeps the first rows only. */
export interface TableSource {
  readonly path: string;
  readonly format: 'csv' | 'tsv' | 'jsonl';
  readonly target: string;
  readonly limit?: number;
  /** CSV/TSV: the 1-based line of the header (data.header); the lines above it are skipped. Default: the first. */
  readonly header?: number;
  /**
   * The target column may be absent (new data to predict on, which has no labels yet): the table
   * is then read without it and the result says `targetMissing`.
   */
  readonly targetOptional?: boolean;
}

export interface ReadTableResult {
  /** The table; with `targetMissing`, its `target` names a column it does not hold. */
  readonly table: Table;
  /** What the user should know but that did not stop the read (values read as missing, retyped columns, ...). */
  readonly warnings: string[];
  /** True when `targetOptional` was given and the file has no target column. */
  readonly targetMissing?: boolean;
}

/**
 * Reads a CSV, TSV or JSONL file into a Table of typed columns, streaming: the first 1,000 rows
 * decide each column's type (see inferColumnType), every row then goes into typed arrays. A
 * column that later proves to be categorical is read again in a second pass, so memory never
 * holds more than the table. Malformed input is a DeeplineError (DL_DATA_FORMAT / DL_DATA_VALUE /
 * DL_DATA_TARGET) naming the file, row, line, column and value; never a partial table.
 */
export async function readTable(source: TableSource, options: ReadOptions = {}): Promise<ReadTableResult> {
  const file = source.path;
  const { size } = await statSource(file, 'file', source.format);
  if (size === 0) {
    throw new DeeplineError('DL_DATA_FORMAT', `${file} is empty (0 bytes)`, {
      hint: source.format === 'jsonl' ? 'the file needs one JSON object per line' : 'the file needs a header row and at least one data row',
      location: { file },
    });
  }
  let result: Pass | undefined;
  try {
    result = await readPass(source, options, size, 1, undefined);
  } catch (e) {
    throw await explainHeader(e, source);
  }
  let warnings = result.warnings;
  const reread = result.built.reread;
  if (reread.size > 0) {
    // Let the first pass's columns go before the second pass fills new ones.
    result = undefined;
    result = await readPass(source, options, size, 2, reread);
    if (result.built.reread.size > 0) {
      throw new DeeplineError('DL_INTERNAL', `${file}: columns ${[...result.built.reread.keys()].join(', ')} changed type twice`);
    }
    // Both passes warn about the same values; only the first knows which columns were retyped.
    warnings = [...new Set([...warnings, ...result.warnings])];
  }
  const { n, columns, sourceRows } = result.built;
  const target = columns.find((c) => c.name === source.target);
  if (target) checkTarget(file, target, n, sourceRows, warnings);
  options.onProgress?.({ done: size * result.pass, total: size * result.pass, unit: 'byte' });
  return { table: { n, columns, target: source.target, sourceRows }, warnings, ...(!target && { targetMissing: true }) };
}

/**
 * A CSV/TSV whose header or first rows do not read may have its header further down (a line of
 * counts or a title above it): the error then names the line detectHeaderLine finds.
 */
async function explainHeader(error: unknown, source: TableSource): Promise<unknown> {
  const aboutHeader = error instanceof DeeplineError && (error.code === 'DL_DATA_TARGET' || error.code === 'DL_DATA_FORMAT');
  if (!aboutHeader || source.format === 'jsonl') return error;
  try {
    const records = await readHeadRecords(source.path, source.format === 'tsv' ? '\t' : ',', 50);
    return withHeaderAdvice(error, detectHeaderLine(records, source.target), source.header ?? records[0]?.line ?? 1);
  } catch {
    // The head does not read either: the first error says why.
    return error;
  }
}

interface Pass {
  readonly pass: number;
  readonly built: BuiltColumns;
  readonly warnings: string[];
}

async function readPass(source: TableSource, options: ReadOptions, size: number, pass: number, forced: ReadonlyMap<string, ColumnType> | undefined): Promise<Pass> {
  const file = source.path;
  const jsonl = source.format === 'jsonl';
  // Without the target (new data to predict on), only the names themselves are checked.
  const required = (names: readonly string[]): string | undefined => (source.targetOptional && !names.includes(source.target) ? undefined : source.target);
  const builder = new TableBuilder({
    file,
    target: source.target,
    forced,
    // JSONL has no header: its columns are the keys of the sampled rows.
    onSampled: jsonl ? (names) => checkColumnNames(file, names, required(names)) : undefined,
  });
  const chunks = { onProgress: options.onProgress, signal: options.signal, progressBase: (pass - 1) * size, progressTotal: pass * size };
  const blankRows: { count: number; first?: { row: number; line: number } } = { count: 0 };
  const limit = source.limit ?? Infinity;
  let headerLine: number | undefined;
  let lastAbove: number | undefined;
  // Returns false once data.limit rows are in, which stops the read.
  const pushRow = (cells: readonly (string | null)[], row: number, line: number): boolean => {
    builder.push(cells, row, line);
    if (builder.rows % 4096 === 0) options.signal?.throwIfAborted();
    return builder.rows < limit;
  };
  if (jsonl) {
    const index = new Map<string, number>();
    await readJsonlObjects(file, chunks, (object, row, line) => {
      const cells: (string | null)[] = new Array(builder.names.length).fill(null);
      for (const [key, value] of Object.entries(object)) {
        let c = index.get(key);
        if (c === undefined) {
          if (key === '') {
            throw new DeeplineError('DL_DATA_FORMAT', `${file} line ${line} (row ${row}) has an empty key ""`, {
              hint: 'every key names a column: give it a name',
              location: { file, line, row },
            });
          }
          c = builder.names.length;
          index.set(key, c);
          builder.addColumn(key);
        }
        cells[c] = jsonCell(value);
      }
      return pushRow(cells, row, line);
    });
  } else {
    const delimiter = source.format === 'tsv' ? '\t' : ',';
    const onAboveHeader = (_: string[], line: number): void => void (lastAbove = line);
    await readDelimited(file, { ...chunks, delimiter, blankRows, headerLine: source.header, onAboveHeader }, (cells, row, line) => {
      if (row > 0) return pushRow(cells, row, line);
      headerLine = line;
      checkColumnNames(file, cells, required(cells), line);
      for (const name of cells) builder.addColumn(name);
      return true;
    });
  }
  if (headerLine === undefined && lastAbove !== undefined) throw headerPastEnd(file, source.header!, lastAbove);
  if (builder.rows === 0) throw noRows(file, source.format, headerLine);
  const built = builder.finish();
  const warnings: string[] = [];
  if (built.n >= limit) warnings.push(`${file}: read only the first ${built.n} rows (data.limit)`);
  if (blankRows.count > 0) {
    warnings.push(`${file}: skipped ${blankRows.count} row(s) whose cells are all empty (first: row ${blankRows.first!.row}, line ${blankRows.first!.line})`);
  }
  warnings.push(...built.warnings);
  return { pass, built, warnings };
}

/** JSON values go through the same spelling rules as CSV cells: 12 and "12" are the same number. */
function jsonCell(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function noRows(file: string, format: TableSource['format'], headerLine: number | undefined): DeeplineError {
  if (format === 'jsonl') {
    return new DeeplineError('DL_DATA_FORMAT', `${file} has no JSON objects, only blank lines`, {
      hint: 'the file needs one JSON object per line',
      location: { file },
    });
  }
  const message = headerLine === undefined ? `${file} has no header row: it holds only blank lines` : `${file} has a header row (line ${headerLine}) but no data rows`;
  return new DeeplineError('DL_DATA_FORMAT', message, {
    hint: headerLine === undefined ? 'the file needs a header row and at least one data row' : 'add data rows below the header',
    location: { file, line: headerLine },
  });
}

function headerPastEnd(file: string, header: number, last: number): DeeplineError {
  return new DeeplineError('DL_DATA_FORMAT', `${file} has no line ${header} to read the header from (data.header: ${header}): its last record starts on line ${last}`, {
    hint: 'set data.header to the line of the column names (1 for the first line)',
    location: { file, line: header },
  });
}

/**
 * The target must have values, and a categorical or boolean one at least two classes: a single
 * class is DL_DATA_TARGET here, before any step spends time on a task that cannot be learnt.
 */
function checkTarget(file: string, column: Column, n: number, rows: Int32Array, warnings: string[]): void {
  let missing = 0;
  let firstMissing = -1;
  const distinct = new Set<number | string>();
  for (let i = 0; i < n; i++) {
    const value = cellKey(column, i);
    if (value === undefined) {
      missing++;
      if (firstMissing < 0) firstMissing = i;
    } else if (distinct.size < 2) {
      distinct.add(value);
    }
  }
  const name = column.name;
  if (missing === n) {
    throw new DeeplineError('DL_DATA_TARGET', `${file}: the target column "${name}" has no values (all ${n} rows are empty or NA)`, {
      hint: 'check data.target: it must name the column that holds what to predict',
      location: { file, field: name },
    });
  }
  if (missing > 0) warnings.push(`${file}: ${missing} row(s) have no value in the target column "${name}" (first: row ${rows[firstMissing]})`);
  if (distinct.size > 1) return;
  const only = [...distinct][0];
  if (column.type === 'categorical' || column.type === 'boolean') {
    const label = column.type === 'categorical' ? column.categories[only as number] : only === 1 ? 'true' : 'false';
    throw new DeeplineError('DL_DATA_TARGET', `only one class \`${label}\` in ${file} (target column "${name}", ${n - missing} row(s) with a value)`, {
      hint: 'a classifier needs at least two classes: check data.target, or add examples of the other classes',
      location: { file, field: name },
    });
  }
  warnings.push(`${file}: the target column "${name}" has the same value in every row`);
}

/** The value of row `i` as a comparable key, undefined when missing. */
function cellKey(column: Column, i: number): number | string | undefined {
  if (column.type === 'categorical') return column.codes[i] < 0 ? undefined : column.codes[i];
  if (column.type === 'text') return column.values[i] ?? undefined;
  return Number.isNaN(column.values[i]) ? undefined : column.values[i];
}

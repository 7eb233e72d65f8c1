import { DeeplineError } from '../../errors/index.ts';
import type { Dataset, TargetInfo } from '../dataset.ts';
import { sortNaturally } from '../sort-naturally.ts';
import type { DataReader, DataSource, ReadOptions, ReadResult } from './data-reader.ts';
import { checkColumnNames } from './check-column-names.ts';
import { readDelimited } from './read-delimited.ts';
import { statSource } from './stat-source.ts';

/**
 * Reads a delimited text file with a header row: one column is the target, every other column a
 * numeric feature. Streams the file, so memory holds only the parsed numbers.
 */
export function createCsvReader(name: 'csv' | 'tsv' = 'csv'): DataReader {
  const delimiter = name === 'tsv' ? '\t' : ',';
  return {
    name,
    description: `${name === 'tsv' ? 'tab' : 'comma'}-separated text with a header row; numeric features`,
    read: (source, options = {}) => readDelimitedDataset(source, options, delimiter),
  };
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

async function readDelimitedDataset(source: DataSource, options: ReadOptions, delimiter: ',' | '\t'): Promise<ReadResult> {
  const file = source.path;
  const { size } = await statSource(file, 'file', delimiter === '\t' ? 'tsv' : 'csv');
  if (size === 0) throw formatError(file, `${file} is empty`, 'the file needs a header row and at least one data row');

  const warnings: string[] = [];
  let header: string[] | undefined;
  let layout: ColumnLayout | undefined;
  const x = new FloatBuffer();
  const numericTargets = new FloatBuffer();
  const labels: string[] = [];
  const rows: number[] = [];
  // readDelimited checks encoding, line ends, the delimiter and field counts; this adds the values.
  await readDelimited(file, { delimiter, onProgress: options.onProgress, signal: options.signal, progressTotal: size, headerLine: source.header }, (record, row, line) => {
    if (!header) {
      header = record;
      layout = resolveColumns(file, header, source, line);
      return true;
    }
    const cols = layout!;
    for (const c of cols.features) x.push(parseCell(file, row, line, header[c], record[c]));
    const rawTarget = record[cols.target];
    if (source.taskKind === 'regression') {
      numericTargets.push(parseCell(file, row, line, header[cols.target], rawTarget));
    } else {
      if (rawTarget === '') throw emptyCell(file, row, line, header[cols.target]);
      labels.push(rawTarget);
    }
    rows.push(row);
    if (rows.length % 4096 === 0) options.signal?.throwIfAborted();
    if (source.limit !== undefined && rows.length >= source.limit) {
      warnings.push(`read only the first ${rows.length} rows of ${file} (data.limit)`);
      return false;
    }
    return true;
  });
  const n = rows.length;
  if (!header || !layout) throw formatError(file, `${file} has no rows`, 'the file needs a header row and at least one data row');
  if (n === 0) throw formatError(file, `${file} has a header row but no data rows`, 'add data rows below the header');
  options.onProgress?.({ done: size, total: size, unit: 'byte' });

  const targetName = header[layout.target];
  let target: TargetInfo;
  let y: Float32Array;
  if (source.taskKind === 'regression') {
    y = numericTargets.toArray();
    target = { kind: 'numeric', name: targetName };
    if (y.every((v) => v === y[0])) warnings.push(`target column "${targetName}" has the same value ${y[0]} in every row`);
  } else {
    const mapped = mapClasses(file, targetName, labels, source.classes, warnings);
    y = mapped.y;
    target = { kind: 'class', name: targetName, classes: mapped.classes };
  }
  const featureNames = layout.features.map((c) => header![c]);
  const dataset: Dataset = {
    n,
    featureShape: source.image ? [source.image.height, source.image.width, source.image.channels] : [featureNames.length],
    x: x.toArray(),
    y,
    target,
    featureNames,
    sourceRows: Int32Array.from(rows),
  };
  return { dataset, warnings };
}

interface ColumnLayout {
  target: number;
  features: number[];
}

function resolveColumns(file: string, header: string[], source: DataSource, line: number): ColumnLayout {
  if (source.target === undefined) {
    throw new DeeplineError('DL_DATA_TARGET', `no target column given for ${file}; columns are: ${listColumns(header)}`, {
      hint: 'set data.target to the column to predict',
      location: { file },
    });
  }
  checkColumnNames(file, header, source.target, line);
  const target = header.indexOf(source.target);
  const features = header.map((_, i) => i).filter((i) => i !== target);
  if (features.length === 0) {
    throw formatError(file, `${file} has only the target column "${source.target}" and no features`, 'add feature columns');
  }
  if (source.image) {
    const { width, height, channels } = source.image;
    if (width * height * channels !== features.length) {
      throw formatError(
        file,
        `${file} has ${features.length} feature columns, but data.image ${width}x${height}x${channels} needs ${width * height * channels}`,
        'set data.image to the pixel grid the columns hold (width x height x channels = number of feature columns)',
      );
    }
  }
  return { target, features };
}

function parseCell(file: string, row: number, line: number, column: string, raw: string): number {
  if (raw === '') throw emptyCell(file, row, line, column);
  if (!NUMERIC.test(raw)) {
    throw new DeeplineError('DL_DATA_VALUE', `${file} row ${row} (line ${line}), column "${column}": ${quote(raw)} is not a number`, {
      hint: 'feature columns must be numeric for now: fix the value, or remove the row or the column',
      location: { file, row, line, field: column },
    });
  }
  return Number(raw);
}

function emptyCell(file: string, row: number, line: number, column: string): DeeplineError {
  return new DeeplineError('DL_DATA_VALUE', `${file} row ${row} (line ${line}), column "${column}" is empty`, {
    hint: 'fill in the value or remove the row (missing values are not filled in automatically yet)',
    location: { file, row, line, field: column },
  });
}

function mapClasses(
  file: string,
  targetName: string,
  labels: readonly string[],
  given: readonly string[] | undefined,
  warnings: string[],
): { y: Float32Array; classes: string[] } {
  const counts = new Map<string, { count: number; firstRow: number }>();
  labels.forEach((label, i) => {
    const entry = counts.get(label);
    if (entry) entry.count++;
    else counts.set(label, { count: 1, firstRow: i + 1 });
  });
  const classes = given ? [...given] : sortNaturally(counts.keys());
  const index = new Map(classes.map((c, i) => [c, i]));
  for (const [label, { firstRow }] of counts) {
    if (!index.has(label)) {
      throw new DeeplineError('DL_DATA_TARGET', `${file} row ${firstRow}, column "${targetName}": class ${quote(label)} is not in data.classes (${classes.join(', ')})`, {
        hint: 'add the class to data.classes, or fix the label',
        location: { file, row: firstRow, field: targetName },
      });
    }
  }
  if (counts.size < 2) {
    const only = [...counts.keys()][0];
    throw new DeeplineError('DL_DATA_TARGET', `only one class \`${only}\` in ${file} (column "${targetName}", ${labels.length} rows)`, {
      hint: 'a classifier needs at least two classes: check data.target, or make the task a regression',
      location: { file, field: targetName },
    });
  }
  for (const c of classes) {
    const count = counts.get(c)?.count ?? 0;
    if (count === 0) warnings.push(`class \`${c}\` (from data.classes) has no examples in ${file}`);
    else if (count === 1) warnings.push(`class \`${c}\` has a single example; it can only be used for training`);
  }
  if (counts.size > 20 && counts.size > labels.length / 4 && classes.every((c) => NUMERIC.test(c))) {
    warnings.push(`target column "${targetName}" has ${counts.size} distinct numbers in ${labels.length} rows: if it is a quantity, make the task a regression`);
  }
  const y = new Float32Array(labels.length);
  labels.forEach((label, i) => (y[i] = index.get(label)!));
  return { y, classes };
}

function listColumns(header: readonly string[]): string {
  if (header.length <= 20) return header.join(', ');
  return `${header.slice(0, 10).join(', ')}, … , ${header.slice(-3).join(', ')} (${header.length} columns)`;
}

function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

function formatError(file: string, message: string, hint: string, at: { row?: number; line?: number } = {}): DeeplineError {
  return new DeeplineError('DL_DATA_FORMAT', message, { hint, location: { file, ...at } });
}

/** An append-only Float32 buffer that doubles as it fills, so rows need not be counted first. */
class FloatBuffer {
  private data = new Float32Array(4096);
  private length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  toArray(): Float32Array {
    return this.data.slice(0, this.length);
  }
}

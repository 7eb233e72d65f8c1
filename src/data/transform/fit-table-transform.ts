import { DeeplineError } from '../../errors/index.ts';
import { sortNaturally } from '../sort-naturally.ts';
import type { Column, Table } from '../table.ts';
import { columnCells } from './column-cells.ts';
import { datePart } from './date-parts.ts';
import { TABLE_TRANSFORM_VERSION, type ColumnEncoder, type DatePart, type TableTransform, type TargetEncoder } from './table-transform.ts';
import { tokenize } from './tokenize.ts';

export interface TableTransformOptions {
  /** The column to predict (default: the table's own target). */
  readonly target?: string;
  /** Default: `numeric` for a numeric target column, `class` for any other. */
  readonly targetKind?: 'class' | 'numeric';
  /** Impute missing values with training medians / modes plus an indicator (default true); false makes a missing value an error. */
  readonly impute?: boolean;
  /** Text classification: the text column, whose token ids become the only input. */
  readonly textColumn?: string;
  /** Categories one-hot encoded per column; rarer ones share an `other` slot (default 20). */
  readonly maxCategoriesOneHot?: number;
  /** Token ids in all, padding and out-of-vocabulary included (default 20,000). */
  readonly vocabSize?: number;
  /** Tokens kept per text (default: the 95th percentile of training lengths, within 8..512). */
  readonly maxLen?: number;
  /** Columns that must not become features, with the reason recorded (e.g. the group column). */
  readonly exclude?: Readonly<Record<string, string>>;
}

const DAY_MS = 86_400_000;

/**
 * Fits the table transform on the training split alone (medians, modes, means, category and
 * token vocabularies, classes), so nothing from validation or test leaks into what the model
 * sees. See `TableTransform` for the encoding of each column type.
 */
export function fitTableTransform(train: Table, options: TableTransformOptions = {}): TableTransform {
  if (train.n === 0) {
    throw new DeeplineError('DL_DATA_VALUE', 'cannot fit the data transform on an empty training split', {
      hint: 'give the training split more data (data file or split.train)',
    });
  }
  const targetName = options.target ?? train.target;
  const target = fitTarget(train, targetName, options.targetKind);
  const impute = options.impute ?? true;
  const ignored: { column: string; reason: string }[] = [];
  const columns: ColumnEncoder[] = [];
  const features = train.columns.filter((c) => c.name !== targetName);
  if (options.textColumn !== undefined) {
    const col = features.find((c) => c.name === options.textColumn);
    if (!col || (col.type !== 'text' && col.type !== 'categorical')) {
      const texts = features.filter((c) => c.type === 'text').map((c) => c.name);
      throw new DeeplineError('DL_DATA_FORMAT', `the text column ${options.textColumn} ${col ? `holds ${col.type} values, not text` : 'is not in the data'}`, {
        hint: `name a text column of the data${texts.length > 0 ? ` (text columns: ${texts.join(', ')})` : ''}`,
        location: { field: options.textColumn },
      });
    }
    columns.push(fitTokens(train, col, options.vocabSize ?? 20_000, options.maxLen));
    for (const c of features) if (c !== col) ignored.push({ column: c.name, reason: `text classification reads only the text column ${col.name}` });
  } else {
    for (const col of features) {
      // Own keys only: a column named `constructor` must not find Object.prototype's.
      const excluded = options.exclude && Object.hasOwn(options.exclude, col.name) ? options.exclude[col.name] : undefined;
      if (excluded !== undefined) ignored.push({ column: col.name, reason: excluded });
      else if (col.type === 'text') ignored.push({ column: col.name, reason: 'free text: a tabular model does not read it (task text-classification does)' });
      else {
        const enc = fitColumn(train, col, impute, options.maxCategoriesOneHot ?? 20);
        if (enc) columns.push(enc);
        else ignored.push({ column: col.name, reason: 'no value in the training split' });
      }
    }
  }
  if (columns.length === 0) {
    throw new DeeplineError('DL_DATA_FORMAT', `no column of the data can be used as a feature (${ignored.map((i) => `${i.column}: ${i.reason}`).join('; ') || 'only the target'})`, {
      hint: 'the data needs at least one numeric, boolean, date or categorical column besides the target',
    });
  }
  const featureNames = columns.flatMap((c) => c.features);
  return {
    kind: 'table',
    version: TABLE_TRANSFORM_VERSION,
    input: options.textColumn !== undefined ? 'text' : 'tabular',
    featureShape: [featureNames.length],
    featureNames,
    columns,
    target,
    ignored,
  };
}

function fitTarget(train: Table, name: string, kind: 'class' | 'numeric' | undefined): TargetEncoder {
  const col = train.columns.find((c) => c.name === name);
  if (!col) {
    throw new DeeplineError('DL_DATA_TARGET', `the target column ${name} is not in the data (columns: ${train.columns.map((c) => c.name).join(', ')})`, {
      hint: 'set data.target to one of the columns',
      location: { field: 'data.target' },
    });
  }
  const asClass = (kind ?? (col.type === 'numeric' ? 'numeric' : 'class')) === 'class';
  const cells = columnCells(asClass ? 'one-hot' : 'numeric', col);
  const missing: number[] = [];
  if (asClass) {
    const seen = new Set<string>();
    for (let i = 0; i < train.n; i++) {
      const label = cells(i);
      if (typeof label === 'string') seen.add(label);
      else missing.push(train.sourceRows[i]);
    }
    throwIfMissingTarget(name, missing);
    if (seen.size < 2) {
      throw new DeeplineError('DL_DATA_TARGET', `the training split has ${seen.size === 0 ? 'no class' : `a single class (${[...seen][0]})`} in target ${name}; classification needs at least two`, {
        hint: 'check data.target, or give data with more than one class',
        location: { field: 'data.target' },
      });
    }
    return { kind: 'class', column: name, classes: sortNaturally(seen) };
  }
  const values: number[] = [];
  for (let i = 0; i < train.n; i++) {
    const v = cells(i) as number;
    if (Number.isFinite(v)) values.push(v);
    else missing.push(train.sourceRows[i]);
  }
  throwIfMissingTarget(name, missing);
  const { mean, std } = meanStd(values);
  return { kind: 'numeric', column: name, mean, std };
}

function throwIfMissingTarget(name: string, rows: number[]): void {
  if (rows.length === 0) return;
  throw new DeeplineError('DL_DATA_TARGET', `${rows.length} training row(s) have no value in target ${name} (rows ${rows.slice(0, 10).join(', ')}${rows.length > 10 ? ', ...' : ''})`, {
    hint: 'fill in or remove those rows (the clean step drops them)',
    location: { field: name, row: rows[0] },
  });
}

function fitColumn(train: Table, col: Column, impute: boolean, maxCategories: number): ColumnEncoder | undefined {
  if (col.type === 'categorical') return fitOneHot(train, col, impute, maxCategories);
  const kind = col.type === 'boolean' ? 'boolean' : col.type === 'date' ? 'date' : 'numeric';
  const cells = columnCells(kind, col);
  const observed: number[] = [];
  const missingRows: number[] = [];
  for (let i = 0; i < train.n; i++) {
    const v = cells(i) as number;
    if (Number.isFinite(v)) observed.push(v);
    else missingRows.push(train.sourceRows[i]);
  }
  if (observed.length === 0) return undefined;
  if (!impute && missingRows.length > 0) {
    throw new DeeplineError('DL_DATA_VALUE', `column ${col.name} has ${missingRows.length} missing value(s) in the training split (rows ${missingRows.slice(0, 10).join(', ')}${missingRows.length > 10 ? ', ...' : ''}) and prepare.impute is false`, {
      hint: 'set prepare.impute to true, or fill in the values',
      location: { field: col.name, row: missingRows[0] },
    });
  }
  const indicator = missingRows.length > 0;
  const flag = indicator ? [`${col.name}:missing`] : [];
  if (kind === 'boolean') {
    const ones = observed.filter((v) => v === 1).length;
    return { kind, column: col.name, features: [col.name, ...flag], fill: impute ? (ones > observed.length - ones ? 1 : 0) : null, indicator };
  }
  const fill = median(observed);
  // Statistics of the column the model will see: the imputed one.
  const imputed = observed.concat(new Array<number>(missingRows.length).fill(fill));
  if (kind === 'numeric') {
    const { mean, std } = meanStd(imputed);
    return { kind, column: col.name, features: [col.name, ...flag], fill: impute ? fill : null, mean, std, indicator };
  }
  const parts: DatePart[] = ['year', 'month', 'dayOfWeek'];
  // A date column holding calendar days only would give a constant hour: leave it out.
  if (observed.some((ms) => ((ms % DAY_MS) + DAY_MS) % DAY_MS !== 0)) parts.push('hour');
  const stats = parts.map((p) => meanStd(imputed.map((ms) => datePart(ms, p))));
  return {
    kind,
    column: col.name,
    features: [...parts.map((p) => `${col.name}:${p}`), ...flag],
    fill: impute ? fill : null,
    parts,
    mean: stats.map((s) => s.mean),
    std: stats.map((s) => s.std),
    indicator,
  };
}

function fitOneHot(train: Table, col: Column, impute: boolean, maxCategories: number): ColumnEncoder | undefined {
  const cells = columnCells('one-hot', col);
  // Counted on the training rows only: the table's category list also holds other splits' categories.
  const counts = new Map<string, number>();
  const missingRows: number[] = [];
  for (let i = 0; i < train.n; i++) {
    const c = cells(i);
    if (typeof c === 'string') counts.set(c, (counts.get(c) ?? 0) + 1);
    else missingRows.push(train.sourceRows[i]);
  }
  if (counts.size === 0) return undefined;
  if (!impute && missingRows.length > 0) {
    throw new DeeplineError('DL_DATA_VALUE', `column ${col.name} has ${missingRows.length} missing value(s) in the training split (rows ${missingRows.slice(0, 10).join(', ')}) and prepare.impute is false`, {
      hint: 'set prepare.impute to true, or fill in the values',
      location: { field: col.name, row: missingRows[0] },
    });
  }
  // Map iteration follows first appearance, and sort is stable: ties keep first-seen order.
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  const categories = ranked.slice(0, Math.max(1, maxCategories));
  const rare = ranked.slice(categories.length);
  const indicator = missingRows.length > 0;
  const features = [
    ...categories.map((c) => `${col.name}=${c}`),
    ...(rare.length > 0 ? [`${col.name}:other`] : []),
    `${col.name}:unknown`,
    ...(indicator ? [`${col.name}:missing`] : []),
  ];
  return { kind: 'one-hot', column: col.name, features, fill: impute ? categories[0] : null, categories, rare, indicator };
}

function fitTokens(train: Table, col: Column, vocabSize: number, maxLen: number | undefined): ColumnEncoder {
  const cells = columnCells('tokens', col);
  const counts = new Map<string, number>();
  const lengths: number[] = [];
  for (let i = 0; i < train.n; i++) {
    const text = cells(i);
    const tokens = typeof text === 'string' ? tokenize(text) : [];
    lengths.push(tokens.length);
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  // Ties by code units, not locale, so the vocabulary is the same on every machine.
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([t]) => t);
  const vocabulary = ['<pad>', '<oov>', ...ranked.slice(0, Math.max(0, vocabSize - 2))];
  lengths.sort((a, b) => a - b);
  // Long enough for most texts, without padding every batch to the one outlier.
  const len = maxLen ?? Math.min(512, Math.max(8, lengths[Math.min(lengths.length - 1, Math.floor(0.95 * lengths.length))]));
  return { kind: 'tokens', column: col.name, features: Array.from({ length: len }, (_, i) => `${col.name}[${i}]`), vocabulary, maxLen: len };
}

function median(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Mean and population std; a constant column keeps std 1, since there is no spread to divide by. */
function meanStd(values: readonly number[]): { mean: number; std: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  const std = Math.sqrt(squares / values.length);
  // Float rounding can leave a tiny non-zero spread in a constant column.
  return { mean, std: std > 1e-9 * Math.max(1, Math.abs(mean)) ? std : 1 };
}

import type { Column, Table } from '../table.ts';
import { classBalance } from './class-balance.ts';
import { codeClasses, type ClassCoding } from './code-classes.ts';
import { countDuplicates } from './count-duplicates.ts';
import { PROFILE_FORMAT_VERSION, type ColumnProfile, type TableProfile, type TargetProfile, type ValueCount } from './data-profile.ts';
import { RowHasher } from './row-hasher.ts';
import { summariseNumbers } from './summarise-numbers.ts';
import { summariseText } from './summarise-text.ts';
import { targetAssociation, type TargetValues } from './target-association.ts';

export interface ProfileTableOptions {
  /** Histogram bins for continuous columns (default 20). */
  readonly bins?: number;
  /** Most frequent values listed per categorical column (default 20). */
  readonly topValues?: number;
  /** Tokens listed per text column and class (default 20). */
  readonly topTokens?: number;
  /**
   * How to read the target: `class` (class balance, class-wise measures) or `numeric`
   * (distribution, Pearson). Default: by its column type — numbers and dates numeric, the rest classes.
   */
  readonly targetKind?: 'class' | 'numeric';
}

/**
 * Profiles every column of a table (type, missing share, distinct values, exact statistics,
 * quantiles and histogram, or top values, or text lengths and tokens), the target's distribution,
 * duplicate rows, and each feature's association with the target. One column at a time, in
 * column-major loops over the typed arrays: extra memory is one sorted copy of one column plus
 * two 8-byte digests per row for the duplicate search.
 */
export function profileTable(table: Table, options: ProfileTableOptions = {}): TableProfile {
  const targetColumn = table.columns.find((c) => c.name === table.target);
  if (!targetColumn) throw new Error(`table has no target column \`${table.target}\` (columns: ${table.columns.map((c) => c.name).join(', ')})`);
  const targetKind = options.targetKind ?? (targetColumn.type === 'numeric' || targetColumn.type === 'date' ? 'numeric' : 'class');
  const target = targetValues(targetColumn, targetKind);
  const classes = target.kind === 'class' ? target.coding : undefined;

  const columns = table.columns.map((column) => {
    const isTarget = column === targetColumn;
    const profile = profileColumn(column, table.n, isTarget, classes, options);
    const association = isTarget ? undefined : targetAssociation(column, target);
    return association ? { ...profile, association } : profile;
  });

  const hasher = new RowHasher(table.n);
  for (const column of table.columns) if (column !== targetColumn) mixColumn(hasher, column);
  const inputs = hasher.digest();
  mixColumn(hasher, targetColumn);
  const duplicates = countDuplicates(hasher.digest(), inputs);

  const targetProfile: TargetProfile =
    target.kind === 'class'
      ? classBalance(targetColumn.name, target.coding.codes, target.coding.classes)
      : { kind: 'numeric', name: targetColumn.name, stats: summariseNumbers(target.values, { bins: options.bins }), missing: countNaN(target.values) };

  return {
    formatVersion: PROFILE_FORMAT_VERSION,
    kind: 'table',
    rows: table.n,
    columns,
    target: targetProfile,
    duplicates,
    ...(table.dataVersion !== undefined && { dataVersion: table.dataVersion }),
  };
}

function targetValues(column: Column, kind: 'class' | 'numeric'): TargetValues {
  if (kind === 'class') return { kind, coding: codeClasses(column) };
  if (column.type === 'text' || column.type === 'categorical') {
    // A numeric reading of a column read as labels: categories that are numbers, others missing.
    const names = column.type === 'categorical' ? column.categories.map(Number) : undefined;
    const values = new Float64Array(column.type === 'categorical' ? column.codes.length : column.values.length);
    for (let i = 0; i < values.length; i++) {
      const raw = column.type === 'categorical' ? (column.codes[i] < 0 ? Number.NaN : names![column.codes[i]]) : Number(column.values[i] ?? Number.NaN);
      values[i] = Number.isFinite(raw) ? raw : Number.NaN;
    }
    return { kind, values };
  }
  return { kind, values: column.values };
}

function profileColumn(column: Column, rows: number, isTarget: boolean, classes: ClassCoding | undefined, options: ProfileTableOptions): ColumnProfile {
  const base = { name: column.name, rows, isTarget };
  if (column.type === 'categorical') {
    const counts = new Float64Array(column.categories.length);
    let missing = 0;
    for (const code of column.codes) {
      if (code < 0) missing++;
      else counts[code]++;
    }
    const present = rows - missing;
    const ranked: ValueCount[] = column.categories
      .map((value, k) => ({ value, count: counts[k] }))
      .filter((v) => v.count > 0)
      .sort((a, b) => b.count - a.count);
    const topValues = ranked.slice(0, options.topValues ?? 20);
    const listed = topValues.reduce((acc, v) => acc + v.count, 0);
    return { ...base, type: 'categorical', missing, missingRate: rate(missing, rows), distinct: ranked.length, topValues, otherCount: present - listed };
  }
  if (column.type === 'text') {
    let missing = 0;
    const distinct = new Set<string>();
    for (const v of column.values) {
      if (v === null) missing++;
      else distinct.add(v);
    }
    // Classes of the other rows only: the target's own tokens per class would be trivial.
    const text = summariseText(column.values, isTarget ? undefined : classes, { bins: options.bins, topTokens: options.topTokens });
    return { ...base, type: 'text', missing, missingRate: rate(missing, rows), distinct: distinct.size, text };
  }
  const stats = summariseNumbers(column.values, { bins: options.bins });
  const missing = rows - stats.count - stats.infinite;
  return { ...base, type: column.type, missing, missingRate: rate(missing, rows), distinct: stats.distinct, stats };
}

function mixColumn(hasher: RowHasher, column: Column): void {
  if (column.type === 'categorical') hasher.mixCodes(column.codes);
  else if (column.type === 'text') hasher.mixStrings(column.values);
  else hasher.mixNumbers(column.values);
}

function countNaN(values: Float64Array): number {
  let k = 0;
  for (const v of values) if (v !== v) k++;
  return k;
}

function rate(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

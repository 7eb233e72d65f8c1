import type { Column, Table } from '../table.ts';
import type { Anomaly, AnomalyExample, AnomalySeverity } from './anomaly.ts';
import { columnAsNumbers } from './column-as-numbers.ts';
import type { ColumnSchema, DataSchema } from './data-schema.ts';

export interface ValidateOptions {
  /** `training` (default): the target must be there; `serving`: data to predict on may lack it. */
  readonly environment?: 'training' | 'serving';
  /**
   * Out-of-range values, unseen categories or values of the wrong type in more than this share of
   * a column's rows make the anomaly an error; fewer, a warning (default 0.01).
   */
  readonly errorShare?: number;
  /** A missing share this much above training's is reported (default 0.02, and 3 standard errors). */
  readonly missingRateIncrease?: number;
  /** Examples per anomaly (default 5). */
  readonly maxExamples?: number;
}

/** Values with how often they occur and the first data row holding each. */
type Tally = Map<string, { count: number; row: number }>;

/**
 * Checks a table against a schema and lists what does not fit, TFDV style: missing and extra
 * columns, values of the wrong type, categories never seen in training, numbers outside the
 * training range (with its tolerance), and missing shares that rose. Severity rules:
 *   missing column, wrong column type (date vs number)                   → error
 *   unseen category in the target                                        → error
 *   unseen categories, out-of-range or wrongly typed values in a feature → error above `errorShare` of rows, else warning
 *   missing share up (target: error; feature: error when every value is missing, else warning)
 *   extra column, fractions in a whole-number column                     → warning
 * A column read with another type than in training is compared by value where that is sound: a
 * 0/1 column read as boolean is numeric, numbers read as categories are parsed back, categories
 * read as numbers are compared as written (`1`, `2.5`).
 */
export function validateTable(schema: DataSchema, table: Table, options: ValidateOptions = {}): Anomaly[] {
  const o = {
    environment: options.environment ?? 'training',
    errorShare: options.errorShare ?? 0.01,
    missingRateIncrease: options.missingRateIncrease ?? 0.02,
    maxExamples: options.maxExamples ?? 5,
  };
  const anomalies: Anomaly[] = [];
  const known = new Set(schema.columns.map((c) => c.name));
  for (const expected of schema.columns) {
    const column = table.columns.find((c) => c.name === expected.name);
    if (!column) {
      if (expected.required && !(expected.isTarget && o.environment === 'serving')) {
        anomalies.push({
          column: expected.name,
          kind: 'missing-column',
          severity: 'error',
          message: `column "${expected.name}" (${expected.type}${expected.isTarget ? ', the target' : ''}) is missing; the data has ${table.columns.map((c) => `"${c.name}"`).join(', ')}`,
          examples: [],
        });
      }
      continue;
    }
    anomalies.push(...checkColumn(expected, column, table, o));
  }
  for (const column of table.columns) {
    if (known.has(column.name)) continue;
    anomalies.push({
      column: column.name,
      kind: 'extra-column',
      severity: 'warning',
      message: `column "${column.name}" (${column.type}) was not in the training data; the model will not use it`,
      examples: [],
    });
  }
  return anomalies;
}

type Resolved = Required<ValidateOptions>;

function checkColumn(expected: ColumnSchema, column: Column, table: Table, o: Resolved): Anomaly[] {
  const out: Anomaly[] = [];
  const name = expected.name;
  const n = table.n;
  const severityFor = (rows: number): AnomalySeverity => (expected.isTarget || rows > o.errorShare * n ? 'error' : 'warning');
  const missing = countMissing(column);

  // Missing share: a rise both large (missingRateIncrease) and beyond chance (3 standard errors of training's rate).
  const rate = n > 0 ? missing.count / n : 0;
  const p0 = expected.missingRate;
  const noise = 3 * Math.sqrt((p0 * (1 - p0)) / Math.max(1, n));
  if (missing.count > 0 && (p0 === 0 || (rate - p0 > o.missingRateIncrease && rate - p0 > noise))) {
    out.push({
      column: name,
      kind: 'missing-rate',
      severity: expected.isTarget || missing.count === n ? 'error' : 'warning',
      message: `column "${name}" has ${missing.count} of ${n} values missing (${percent(rate)}), against ${percent(p0)} in training${p0 === 0 ? ' (it was never missing)' : ''}`,
      examples: missing.rows.slice(0, o.maxExamples).map((i) => ({ value: '(missing)', row: table.sourceRows[i] })),
      rows: missing.count,
    });
  }

  if (expected.type === 'text') return out;
  const dateMismatch = expected.type === 'date' ? column.type === 'numeric' || column.type === 'boolean' : column.type === 'date';
  if (dateMismatch) {
    out.push(typeError(name, expected.type, column.type, []));
    return out;
  }

  if (expected.type === 'categorical') {
    if (!expected.domain) return out;
    const unseen = unseenValues(column, new Set(expected.domain), table);
    const rows = sumCounts(unseen);
    if (rows > 0) {
      const examples = topExamples(unseen, o.maxExamples);
      out.push({
        column: name,
        kind: 'unseen-category',
        severity: severityFor(rows),
        message:
          `column "${name}"${expected.isTarget ? ' (the target)' : ''} has ${unseen.size} value${unseen.size === 1 ? '' : 's'} never seen in training: ` +
          `${examples.map((e) => `"${e.value}" (${e.count} row${e.count === 1 ? '' : 's'})`).join(', ')}${unseen.size > examples.length ? ', …' : ''}` +
          ` — ${rows} of ${n} rows (${percent(rows / n)}); training had ${listValues(expected.domain)}`,
        examples,
        rows,
      });
    }
    return out;
  }

  // Numeric, boolean and date columns: read the values as numbers, then check the range.
  const { values, misfits } = columnAsNumbers(column, expected.type, table.sourceRows);
  const misfitRows = sumCounts(misfits);
  if (misfitRows > 0) {
    out.push({ ...typeError(name, expected.type, column.type, topExamples(misfits, o.maxExamples)), severity: severityFor(misfitRows), rows: misfitRows });
  }
  if (!expected.range) return out;
  const { lower, upper, min, max, integer } = expected.range;
  let outside = 0;
  let fractional = 0;
  let lo = Infinity;
  let hi = -Infinity;
  const outsideExamples: AnomalyExample[] = [];
  const fractionalExamples: AnomalyExample[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if ((lower !== null && v < lower) || (upper !== null && v > upper)) {
      outside++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (outsideExamples.length < o.maxExamples) outsideExamples.push({ value: formatValue(v, expected.type), row: table.sourceRows[i] });
    }
    if (integer && !Number.isInteger(v)) {
      fractional++;
      if (fractionalExamples.length < o.maxExamples) fractionalExamples.push({ value: formatValue(v, expected.type), row: table.sourceRows[i] });
    }
  }
  if (outside > 0) {
    const accepted = `${lower === null ? '−∞' : formatValue(lower, expected.type)} to ${upper === null ? '∞' : formatValue(upper, expected.type)}`;
    out.push({
      column: name,
      kind: 'out-of-range',
      severity: severityFor(outside),
      message:
        `column "${name}" has ${outside} of ${n} values (${percent(outside / n)}) outside the training range ${formatValue(min, expected.type)} to ${formatValue(max, expected.type)} ` +
        `(accepted: ${accepted}); they span ${formatValue(lo, expected.type)} to ${formatValue(hi, expected.type)}, e.g. ${outsideExamples.map((e) => `${e.value} (row ${e.row})`).join(', ')}`,
      examples: outsideExamples,
      rows: outside,
    });
  }
  if (fractional > 0 && expected.type !== 'date') {
    out.push({
      column: name,
      kind: 'type-mismatch',
      severity: expected.type === 'boolean' ? severityFor(fractional) : 'warning',
      message: `column "${name}" held only ${expected.type === 'boolean' ? 'true/false values' : 'whole numbers'} in training, but ${fractional} values have fractions, e.g. ${fractionalExamples.map((e) => `${e.value} (row ${e.row})`).join(', ')}`,
      examples: fractionalExamples,
      rows: fractional,
    });
  }
  return out;
}

function typeError(name: string, expected: string, actual: string, examples: AnomalyExample[]): Anomaly {
  const detail = examples.length > 0 ? `: ${examples.map((e) => `"${e.value}" (${e.count} row${e.count === 1 ? '' : 's'})`).join(', ')} ${examples.length === 1 ? 'is' : 'are'} not ${article(expected)}` : '';
  return {
    column: name,
    kind: 'type-mismatch',
    severity: 'error',
    message: `column "${name}" was ${expected} in training but reads as ${actual}${detail}`,
    examples,
  };
}

function article(type: string): string {
  return type === 'numeric' ? 'a number' : type === 'date' ? 'a date' : 'a boolean';
}

function countMissing(column: Column): { count: number; rows: number[] } {
  const rows: number[] = [];
  let count = 0;
  const note = (i: number): void => {
    count++;
    if (rows.length < 20) rows.push(i);
  };
  if (column.type === 'categorical') column.codes.forEach((c, i) => c < 0 && note(i));
  else if (column.type === 'text') column.values.forEach((v, i) => v === null && note(i));
  else column.values.forEach((v, i) => Number.isNaN(v) && note(i));
  return { count, rows };
}

/** Values of `column` not in `domain`, with counts and first rows. Non-string columns are compared as written. */
function unseenValues(column: Column, domain: ReadonlySet<string>, table: Table): Tally {
  const tally: Tally = new Map();
  if (column.type === 'categorical') {
    const counts = new Float64Array(column.categories.length);
    const first = new Int32Array(column.categories.length).fill(-1);
    column.codes.forEach((c, i) => {
      if (c < 0) return;
      counts[c]++;
      if (first[c] < 0) first[c] = i;
    });
    column.categories.forEach((value, k) => {
      if (counts[k] > 0 && !domain.has(value)) tally.set(value, { count: counts[k], row: table.sourceRows[first[k]] });
    });
    return tally;
  }
  for (let i = 0; i < table.n; i++) {
    const value = column.type === 'text' ? column.values[i] : asString(column.values[i], column.type);
    if (value === null || domain.has(value)) continue;
    const entry = tally.get(value);
    if (entry) entry.count++;
    else tally.set(value, { count: 1, row: table.sourceRows[i] });
  }
  return tally;
}

function asString(v: number, type: 'numeric' | 'boolean' | 'date'): string | null {
  if (Number.isNaN(v)) return null;
  if (type === 'boolean') return v === 1 ? 'true' : 'false';
  if (type === 'date') return new Date(v).toISOString();
  return String(v);
}

function sumCounts(tally: Tally): number {
  let total = 0;
  for (const { count } of tally.values()) total += count;
  return total;
}

/** The most frequent values first (ties: first seen first). */
function topExamples(tally: Tally, k: number): AnomalyExample[] {
  return [...tally]
    .sort((a, b) => b[1].count - a[1].count || a[1].row - b[1].row)
    .slice(0, k)
    .map(([value, { count, row }]) => ({ value, count, row }));
}

function listValues(values: readonly string[]): string {
  const shown = values.slice(0, 12).map((v) => `"${v}"`).join(', ');
  return values.length > 12 ? `${values.length} values: ${shown}, …` : shown || 'no values';
}

function formatValue(v: number, type: string): string {
  if (type === 'date') return Number.isFinite(v) ? new Date(v).toISOString() : String(v);
  if (!Number.isFinite(v) || Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

function percent(share: number): string {
  const p = share * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(p >= 1 ? 1 : 2)}%`;
}

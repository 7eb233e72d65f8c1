import { cellSyntax } from '../readers/cell-syntax.ts';
import type { Column } from '../table.ts';

/**
 * A column's values as numbers, for a column the schema expects to be numeric, boolean or a date:
 * typed columns as they are; categories and text parsed by the readers' own rules (cellSyntax),
 * and the strings that parse as none counted as misfits, with the first data row of each.
 */
export function columnAsNumbers(column: Column, expected: 'numeric' | 'boolean' | 'date', sourceRows: Int32Array): { values: Float64Array; misfits: Map<string, { count: number; row: number }> } {
  const misfits = new Map<string, { count: number; row: number }>();
  if (column.type !== 'categorical' && column.type !== 'text') return { values: column.values, misfits };
  const parse = (raw: string): number | undefined => {
    const s = raw.trim();
    if (expected === 'date') return cellSyntax.date(s);
    if (expected === 'boolean') return cellSyntax.boolean(s)?.value;
    const number = cellSyntax.number(s);
    return number && number.style !== 'infinite' ? number.value : undefined;
  };
  // Categories are parsed once each; text cell by cell.
  const rawOf: (i: number) => string | null =
    column.type === 'categorical' ? (i) => (column.codes[i] < 0 ? null : column.categories[column.codes[i]]) : (i) => column.values[i];
  const parsed = column.type === 'categorical' ? column.categories.map(parse) : undefined;
  const valueOf = (i: number, raw: string): number | undefined => (parsed && column.type === 'categorical' ? parsed[column.codes[i]] : parse(raw));
  const n = sourceRows.length;
  const values = new Float64Array(n).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    const raw = rawOf(i);
    if (raw === null) continue;
    const v = valueOf(i, raw);
    if (v !== undefined) {
      values[i] = v;
      continue;
    }
    const entry = misfits.get(raw);
    if (entry) entry.count++;
    else misfits.set(raw, { count: 1, row: sourceRows[i] });
  }
  return { values, misfits };
}

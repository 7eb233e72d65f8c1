import { DeeplineError } from '../../errors/deepline-error.ts';
import { cellSyntax } from '../readers/cell-syntax.ts';
import type { Cell } from './encode-cell.ts';
import type { ColumnEncoder } from './table-transform.ts';

type EncoderKind = ColumnEncoder['kind'];

/**
 * A raw JSON value, as a client sends it, → the cell an encoder reads, by the table reader's own
 * rules: a number or boolean is read as its text (5.1 and "5.1" are the same value, as in a JSONL
 * file), strings are trimmed, and `cellSyntax` decides what is missing (null, a left-out key, "",
 * "NA", "NaN", "?" ...), a number (thousands separators included), a boolean or an ISO date. So a
 * value spelt as in the training file means the same thing here. A value the column's type
 * cannot read is a DL_DATA_VALUE naming the column and the value (the reader reads it as missing
 * with a warning; a request gets told instead).
 */
export function jsonCell(kind: EncoderKind, column: string, value: unknown): Cell {
  const raw = rawText(value);
  const numeric = kind === 'numeric' || kind === 'boolean' || kind === 'date';
  if (raw === null || cellSyntax.isMissing(raw)) return numeric ? NaN : null;
  switch (kind) {
    case 'numeric':
      return cellSyntax.number(raw)?.value ?? bad(column, value, 'a number');
    case 'boolean':
      return cellSyntax.boolean(raw)?.value ?? bad(column, value, 'true or false (yes/no, 1/0)');
    case 'date':
      return cellSyntax.date(raw) ?? bad(column, value, 'an ISO 8601 date such as "2021-03-04" or "2021-03-04T10:30:00Z"');
    case 'one-hot':
    case 'tokens':
      return raw;
  }
}

/** The cell text a JSONL reader makes of a value. */
function rawText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function bad(column: string, value: unknown, expected: string): never {
  const shown = JSON.stringify(value) ?? String(value);
  throw new DeeplineError('DL_DATA_VALUE', `column ${column}: expected ${expected}, but got ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}`, {
    hint: `send ${expected} (or null when the value is missing) for ${column}`,
    location: { field: column },
  });
}

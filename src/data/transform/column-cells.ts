import type { Column } from '../table.ts';
import type { Cell } from './encode-cell.ts';
import { jsonCell } from './json-cell.ts';
import type { ColumnEncoder } from './table-transform.ts';

/**
 * Reads a table column as cells for an encoder of `kind`. A column of the matching type is
 * already what the reader parsed with `cellSyntax` — the rules `jsonCell` applies to a served
 * value — so its values are passed as they are (numbers round-trip exactly through their text).
 * A column of another type (new data whose column was inferred differently) goes value by value
 * through `jsonCell`, as a served value would; categories are converted once per code, lazily,
 * as one that does not fit may not occur in these rows. Throws DL_DATA_VALUE for a value the
 * kind cannot read (the caller adds the row).
 */
export function columnCells(kind: ColumnEncoder['kind'], col: Column): (i: number) => Cell {
  const native =
    (kind === 'numeric' && col.type === 'numeric') ||
    (kind === 'boolean' && col.type === 'boolean') ||
    (kind === 'date' && col.type === 'date') ||
    (kind === 'one-hot' && col.type === 'categorical') ||
    (kind === 'tokens' && (col.type === 'text' || col.type === 'categorical'));
  const read = (value: unknown): Cell => jsonCell(kind, col.name, value);
  switch (col.type) {
    case 'categorical': {
      const { codes, categories } = col;
      const cache = new Array<Cell | undefined>(categories.length);
      const missing = read(null);
      return (i) => {
        const code = codes[i];
        if (code < 0) return missing;
        if (native) return categories[code];
        let cell = cache[code];
        if (cell === undefined) cell = cache[code] = read(categories[code]);
        return cell;
      };
    }
    case 'text':
      return native ? (i) => col.values[i] : (i) => read(col.values[i]);
    case 'boolean': {
      const { values } = col;
      return native ? (i) => values[i] : (i) => read(Number.isNaN(values[i]) ? null : values[i] === 1);
    }
    default: {
      const { values } = col;
      if (native) return (i) => values[i];
      // A date read where numbers are expected (or the reverse) is not silently reinterpreted.
      return (i) => read(Number.isNaN(values[i]) ? null : col.type === 'date' ? new Date(values[i]).toISOString() : values[i]);
    }
  }
}

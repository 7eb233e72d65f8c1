import type { ColumnType, Table } from '../table.ts';

export interface ColumnMissing {
  readonly column: string;
  readonly type: ColumnType;
  readonly missing: number;
  /** missing / rows, 0 for an empty table. */
  readonly share: number;
}

/** Missing values per column: NaN in numeric, boolean and date columns, code -1, null or blank text. */
export function countMissing(table: Table): ColumnMissing[] {
  return table.columns.map((col) => {
    let missing = 0;
    for (let i = 0; i < table.n; i++) {
      if (col.type === 'categorical') missing += col.codes[i] < 0 ? 1 : 0;
      else if (col.type === 'text') missing += col.values[i] === null || col.values[i]!.trim() === '' ? 1 : 0;
      else missing += Number.isNaN(col.values[i]) ? 1 : 0;
    }
    return { column: col.name, type: col.type, missing, share: table.n > 0 ? missing / table.n : 0 };
  });
}

import type { Column } from '../table.ts';
import { cellSyntax } from './cell-syntax.ts';
import { CellTally } from './cell-tally.ts';
import { GrowableArray } from './growable-array.ts';

/**
 * Collects a numeric, boolean or date column as float64 (NaN = missing). A value that does not
 * fit the type is stored as missing and tallied: whether that stands or the column must be read
 * again as categorical is decided when the whole column has been seen (see MISFIT_POLICY).
 */
export class TypedColumnBuilder {
  readonly kind = 'typed';
  readonly values = new GrowableArray((n) => new Float64Array(n));
  nonMissing = 0;
  readonly misfits = new CellTally();
  /** Numbers written with thousands separators (numeric columns only). */
  readonly grouped = new CellTally();
  /** `Infinity` spellings, stored as missing (numeric columns only). */
  readonly infinite = new CellTally();

  constructor(
    readonly name: string,
    readonly type: 'numeric' | 'boolean' | 'date',
  ) {}

  get length(): number {
    return this.values.length;
  }

  push(raw: string | null, row: number, line: number): void {
    if (raw === null || cellSyntax.isMissing(raw)) {
      this.values.push(NaN);
      return;
    }
    this.nonMissing++;
    const value = this.#parse(raw, row, line);
    if (value === undefined) {
      this.misfits.note(raw, row, line);
      this.values.push(NaN);
    } else {
      this.values.push(value);
    }
  }

  padMissing(count: number): void {
    this.values.fill(NaN, count);
  }

  finish(): Column {
    return { name: this.name, type: this.type, values: this.values.take() };
  }

  #parse(raw: string, row: number, line: number): number | undefined {
    if (this.type === 'boolean') return cellSyntax.boolean(raw)?.value;
    if (this.type === 'date') return cellSyntax.date(raw);
    const parsed = cellSyntax.number(raw);
    if (parsed?.style === 'grouped') this.grouped.note(raw, row, line);
    else if (parsed?.style === 'infinite') this.infinite.note(raw, row, line);
    return parsed?.value;
  }
}

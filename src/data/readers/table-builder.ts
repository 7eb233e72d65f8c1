import type { Column, ColumnType } from '../table.ts';
import { createColumnBuilder, type ColumnBuilder } from './column-builder.ts';
import { GrowableArray } from './growable-array.ts';
import { cellSyntax } from './cell-syntax.ts';
import { inferColumnType } from './infer-column-type.ts';
import { resolveColumn } from './resolve-column.ts';

/** Rows whose values decide the column types before anything is stored in typed arrays. */
const SAMPLE_ROWS = 1000;

export interface TableBuilderOptions {
  readonly file: string;
  readonly target: string;
  /** Types decided by an earlier pass over the same file (columns that must be re-read as categorical). */
  readonly forced?: ReadonlyMap<string, ColumnType>;
  /** Called with the column names once the sample is in (JSONL learns its keys from the rows). */
  readonly onSampled?: (names: readonly string[]) => void;
}

export interface BuiltColumns {
  readonly n: number;
  readonly columns: Column[];
  readonly sourceRows: Int32Array;
  /** Columns whose spelling was lost in typed storage and that must be read again, as this type. */
  readonly reread: Map<string, ColumnType>;
  readonly warnings: string[];
}

/**
 * Turns rows of raw cells into typed columns. The first SAMPLE_ROWS rows are held as strings to
 * infer each column's type; from then on each cell goes straight into its column's typed array,
 * so memory is what the finished table needs, whatever the size of the file.
 */
export class TableBuilder {
  readonly names: string[] = [];
  #builders: ColumnBuilder[] | undefined;
  #sample: Array<{ cells: readonly (string | null)[]; row: number; line: number }> = [];
  readonly #rows = new GrowableArray((n) => new Int32Array(n));

  constructor(private readonly options: TableBuilderOptions) {}

  get rows(): number {
    return this.#rows.length;
  }

  /** Adds a column (a JSONL key not seen before); earlier rows get a missing value in it. */
  addColumn(name: string): void {
    this.names.push(name);
    if (this.#builders) {
      // Typed later from its own values: the sample never saw it.
      const builder = createColumnBuilder(name, this.options.forced?.get(name));
      builder.padMissing(this.#rows.length);
      this.#builders.push(builder);
    }
  }

  /** One row: cells aligned with `names` (shorter rows are padded with missing values). */
  push(cells: readonly (string | null)[], row: number, line: number): void {
    this.#rows.push(row);
    if (!this.#builders) {
      this.#sample.push({ cells, row, line });
      if (this.#sample.length === SAMPLE_ROWS) this.#startColumns();
      return;
    }
    const builders = this.#builders;
    for (let c = 0; c < builders.length; c++) builders[c].push(c < cells.length ? cells[c] : null, row, line);
  }

  finish(): BuiltColumns {
    if (!this.#builders) this.#startColumns();
    const warnings: string[] = [];
    const columns: Column[] = [];
    const reread = new Map<string, ColumnType>();
    const sampleRows = Math.min(SAMPLE_ROWS, this.#rows.length);
    for (const builder of this.#builders!) {
      const isTarget = builder.name === this.options.target;
      const retyped = this.options.forced?.has(builder.name) ?? false;
      const resolution = resolveColumn(builder, { file: this.options.file, isTarget, sampleRows, retyped, warnings });
      if ('column' in resolution) columns.push(resolution.column);
      else reread.set(builder.name, resolution.rereadAs);
    }
    const n = this.#rows.length;
    return { n, columns, sourceRows: this.#rows.take(), reread, warnings };
  }

  #startColumns(): void {
    this.options.onSampled?.(this.names);
    const sample = this.#sample;
    this.#builders = this.names.map((name, c) => {
      let type = this.options.forced?.get(name) ?? inferColumnType(sampleValues(sample, c));
      // A target is a label or a quantity, never free text to tokenise.
      if (type === 'text' && name === this.options.target) type = 'categorical';
      return createColumnBuilder(name, type);
    });
    this.#sample = [];
    const builders = this.#builders;
    for (const { cells, row, line } of sample) {
      for (let c = 0; c < builders.length; c++) builders[c].push(c < cells.length ? cells[c] : null, row, line);
    }
  }
}

function sampleValues(sample: ReadonlyArray<{ cells: readonly (string | null)[] }>, column: number): string[] {
  const values: string[] = [];
  for (const { cells } of sample) {
    const raw = cells[column];
    if (raw !== null && raw !== undefined && !cellSyntax.isMissing(raw)) values.push(raw);
  }
  return values;
}

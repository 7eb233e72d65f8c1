import type { Column } from '../table.ts';
import { cellSyntax } from './cell-syntax.ts';
import type { CellPosition } from './cell-tally.ts';
import { GrowableArray } from './growable-array.ts';

/**
 * Collects a column as category codes (-1 = missing) and a dictionary in first-seen order. It
 * keeps every spelling exactly, so it also holds columns whose type is not known yet (all
 * missing in the sample, or a JSONL key first seen after it) until the end of the file.
 */
export class CategoricalColumnBuilder {
  readonly kind = 'categorical';
  readonly codes = new GrowableArray((n) => new Int32Array(n));
  readonly categories: string[] = [];
  /** Rows holding each category, and where it was first seen. */
  readonly counts: number[] = [];
  readonly firstSeen: CellPosition[] = [];
  nonMissing = 0;
  readonly #index = new Map<string, number>();

  /** `undetermined`: the type is to be inferred from the whole column when it is finished. */
  constructor(
    readonly name: string,
    readonly undetermined = false,
  ) {}

  get length(): number {
    return this.codes.length;
  }

  push(raw: string | null, row: number, line: number): void {
    if (raw === null || cellSyntax.isMissing(raw)) {
      this.codes.push(-1);
      return;
    }
    this.nonMissing++;
    let code = this.#index.get(raw);
    if (code === undefined) {
      code = this.categories.length;
      this.#index.set(raw, code);
      this.categories.push(raw);
      this.counts.push(0);
      this.firstSeen.push({ row, line });
    }
    this.counts[code]++;
    this.codes.push(code);
  }

  padMissing(count: number): void {
    this.codes.fill(-1, count);
  }

  /** The first `limit` non-missing values in row order, as a sample for type inference. */
  sample(limit: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.codes.length && out.length < limit; i++) {
      const code = this.codes.at(i);
      if (code >= 0) out.push(this.categories[code]);
    }
    return out;
  }

  finish(): Column {
    return { name: this.name, type: 'categorical', codes: this.codes.take(), categories: [...this.categories] };
  }

  /** The same cells as free text. */
  finishAsText(): Column {
    const values: (string | null)[] = new Array(this.codes.length);
    for (let i = 0; i < values.length; i++) {
      const code = this.codes.at(i);
      values[i] = code < 0 ? null : this.categories[code];
    }
    return { name: this.name, type: 'text', values };
  }
}

import { MISFIT_POLICY } from './misfit-policy.ts';
import { quoteCell } from './quote-cell.ts';

/** Where a cell is in its file: 1-based data row (header not counted) and physical line. */
export interface CellPosition {
  readonly row: number;
  readonly line: number;
}

/**
 * Counts cells of one kind in a column (values that do not fit its type, numbers written with
 * thousands separators, infinities), remembering the first one and a few spellings, so a
 * warning or error can name them without keeping the cells.
 */
export class CellTally {
  count = 0;
  first: (CellPosition & { value: string }) | undefined;
  /** Count per spelling, for the first MISFIT_POLICY.maxSpellings + 1 spellings only. */
  readonly spellings = new Map<string, number>();

  note(value: string, row: number, line: number, times = 1): void {
    this.count += times;
    this.first ??= { row, line, value };
    const seen = this.spellings.get(value);
    if (seen !== undefined) this.spellings.set(value, seen + times);
    // "More than the policy allows" is all that matters beyond the limit.
    else if (this.spellings.size <= MISFIT_POLICY.maxSpellings) this.spellings.set(value, times);
  }

  /** `"unknown" ×3, "-" ×1` for messages. */
  describe(): string {
    const listed = [...this.spellings].slice(0, MISFIT_POLICY.maxSpellings).map(([v, c]) => `${quoteCell(v)} ×${c}`);
    return this.spellings.size > MISFIT_POLICY.maxSpellings ? `${listed.join(', ')}, …` : listed.join(', ');
  }
}


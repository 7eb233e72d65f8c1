import { cellSyntax } from './cell-syntax.ts';
import { quoteCell } from './quote-cell.ts';
import type { HeadRecord } from './read-head-records.ts';

/** Where the header of a delimited table seems to be, when it is not its first line. */
export interface HeaderGuess {
  /** 1-based line of the header. */
  readonly line: number;
  /** The lines the records above it start on: not part of the table. */
  readonly skipped: readonly number[];
  /** Why the first line is not the header, e.g. `line 1 has only 2 non-empty fields ("506", "13") where the rows below have 14`. */
  readonly reason: string;
  /** The reason and what reading from the guess does, for a warning: `…: the header was read from line 2, skipping line 1`. */
  readonly note: string;
}

/** A preamble (title, counts, notes) longer than this is not looked through. */
const MAX_PREAMBLE = 10;

/**
 * Looks at the first records of a CSV/TSV file for a header below line 1, as in data sets
 * published with a line of counts (`506,13,,,,`) or a title above the column names. The header
 * is the first record that looks like column names — as many fields as most rows, none empty,
 * none twice, mostly not numbers, no name recurring as a value in its column below, and either
 * the target's name among them or text where the rows below hold numbers (or text throughout) —
 * provided every record above it looks like no table row: fewer or more fields than most rows,
 * empty fields, or numbers only. Undefined when line 1 is the header (or the file has none):
 * a complete first record ends the search, so a normal file and header-less numbers are never
 * read from another line.
 */
export function detectHeaderLine(records: readonly HeadRecord[], target?: string): HeaderGuess | undefined {
  if (records.length < 3) return undefined;
  if (target !== undefined && records[0].cells.includes(target)) return undefined;
  const width = modalWidth(records);
  const end = Math.min(records.length - 1, MAX_PREAMBLE + 1);
  for (let h = 0; h < end; h++) {
    const record = records[h];
    if (h > 0 && looksLikeNames(record, records.slice(h + 1), width, target)) {
      const skipped = records.slice(0, h).map((r) => r.line);
      const reason = whyNotHeader(records[0], width);
      return { line: record.line, skipped, reason, note: `${reason}: the header was read from line ${record.line}, skipping ${listLines(skipped)}` };
    }
    if (!isPreamble(record, width)) return undefined;
  }
  return undefined;
}

/** The most common field count (ties to the wider): the width of the table's rows. */
function modalWidth(records: readonly HeadRecord[]): number {
  const counts = new Map<number, number>();
  for (const r of records) counts.set(r.cells.length, (counts.get(r.cells.length) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [width, count] of counts) {
    if (count > bestCount || (count === bestCount && width > best)) [best, bestCount] = [width, count];
  }
  return best;
}

function isPreamble(record: HeadRecord, width: number): boolean {
  const cells = record.cells;
  return cells.length !== width || cells.some((c) => c === '') || cells.every((c) => cellSyntax.number(c) !== undefined);
}

function looksLikeNames(record: HeadRecord, below: readonly HeadRecord[], width: number, target: string | undefined): boolean {
  const cells = record.cells;
  if (cells.length !== width || cells.some((c) => c === '') || new Set(cells).size !== cells.length) return false;
  const rows = below.filter((r) => r.cells.length === width);
  if (rows.length === 0) return false;
  if (target !== undefined && cells.includes(target)) return true;
  const isNumber = (c: string): boolean => cellSyntax.number(c) !== undefined;
  const names = cells.filter((c) => !isNumber(c)).length;
  if (names * 2 < cells.length) return false;
  // A value seen again below in the same column is data, not a column's name.
  if (cells.some((c, i) => rows.some((r) => r.cells[i] === c))) return false;
  if (names === cells.length) return true;
  // Some column changes from a name to numbers, as a header over data does.
  return cells.some((c, i) => {
    if (isNumber(c)) return false;
    const values = rows.map((r) => r.cells[i]).filter((v) => !cellSyntax.isMissing(v));
    return values.length > 0 && values.filter(isNumber).length >= 0.9 * values.length;
  });
}

function whyNotHeader(first: HeadRecord, width: number): string {
  const filled = first.cells.filter((c) => c !== '');
  const shown = filled.slice(0, 3).map(quoteCell).join(', ') + (filled.length > 3 ? ', …' : '');
  const where = `line ${first.line}`;
  if (first.cells.length < width && filled.length === first.cells.length) {
    return `${where} has ${plural(filled.length, 'field')} (${shown}) where the rows below have ${width}`;
  }
  if (filled.length < width) return `${where} has only ${plural(filled.length, 'non-empty field')} (${shown}) where the rows below have ${width}`;
  if (filled.every((c) => cellSyntax.number(c) !== undefined)) return `${where} holds only numbers (${shown}), not column names`;
  return `${where} has ${first.cells.length} fields (${shown}) where the rows below have ${width}`;
}

/** `line 1`, `lines 1-3`, `lines 1, 3`. */
function listLines(lines: readonly number[]): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  const contiguous = lines.every((l, i) => i === 0 || l === lines[i - 1] + 1);
  return contiguous ? `lines ${lines[0]}-${lines[lines.length - 1]}` : `lines ${lines.join(', ')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

import { pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { DeeplineError } from '../../errors/index.ts';
import type { CellPosition } from './cell-tally.ts';
import { quoteCell } from './quote-cell.ts';
import { readUtf8Chunks, type TextChunkOptions } from './read-utf8-chunks.ts';

export interface DelimitedOptions extends TextChunkOptions {
  readonly delimiter: ',' | '\t';
  /** Filled in with rows whose cells are all empty (`,,,` lines spreadsheets leave), which are skipped. */
  readonly blankRows?: { count: number; first?: CellPosition };
  /**
   * 1-based line of the header (data.header): records that start above it are not the table, so
   * they are handed to `onAboveHeader` (when given) instead of being checked. Default: the first record.
   */
  readonly headerLine?: number;
  /** Called with each record above `headerLine`; returning false stops the read. */
  readonly onAboveHeader?: (cells: string[], line: number) => boolean | void;
}

/**
 * Called per record: row 0 is the header; `line` is the physical line the record starts on.
 * Returning false stops the read (data.limit).
 */
export type RecordHandler = (cells: string[], row: number, line: number) => boolean | void;

/**
 * Streams a CSV/TSV file through csv-parse, with the checks that need the raw text: `\n`, `\r\n`
 * and `\r` line ends in any mix, a header that is one column because the file uses another
 * delimiter, and rows whose field count differs from the header's — each a DL_DATA_FORMAT
 * naming the row and the line it starts on. Blank lines are skipped but keep the line count.
 * With `headerLine`, the lines above the header are skipped unchecked and rows count from it.
 */
export function readDelimited(file: string, options: DelimitedOptions, onRecord: RecordHandler): Promise<void> {
  const { delimiter } = options;
  const headerLine = options.headerLine ?? 1;
  const parser = parse({
    delimiter,
    trim: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n', '\r'],
  });
  let headerLength = -1;
  let records = 0;
  /** Records above the header, which are no rows. */
  let above = 0;
  let endLine = 0;
  let emptyLines = 0;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      if (error === undefined) resolve();
      else if (!(error instanceof CsvError)) reject(error);
      else {
        const line = endLine + 1;
        // Above the header, or a head read with no header at all (headerLine Infinity).
        const where = headerLength >= 0 || line >= headerLine ? undefined : Number.isFinite(headerLine) ? `line ${line} (above the header)` : `line ${line}`;
        reject(parseError(file, error, headerLength < 0 ? 0 : records - above, line, where));
      }
    };
    const stop = (error?: unknown): void => {
      settle(error);
      parser.destroy();
    };
    // Records are handled as csv-parse emits them, so `parser.info` (its running counters) still
    // describes the record at hand: cheaper than `info: true`, which copies them for every record,
    // and nothing piles up in the stream's buffer.
    parser.on('data', (record: string[]) => {
      if (settled) return;
      try {
        const info = parser.info;
        if (info.records !== ++records) throw new DeeplineError('DL_INTERNAL', `${file}: csv-parse records out of step (${info.records} parsed, ${records} handled)`);
        // csv-parse counts the line a record ends on; blank lines skipped before it push its start down.
        const line = endLine + (info.empty_lines - emptyLines) + 1;
        endLine = info.lines;
        emptyLines = info.empty_lines;
        if (headerLength < 0 && line < headerLine) {
          above++;
          if (options.onAboveHeader?.(record, line) === false) stop();
          return;
        }
        if (headerLength < 0) {
          checkDelimiter(file, record, delimiter, line);
          headerLength = record.length;
          if (onRecord(record, 0, line) === false) stop();
          return;
        }
        const row = records - above - 1;
        if (record.every((cell) => cell === '')) {
          if (options.blankRows) {
            options.blankRows.count++;
            options.blankRows.first ??= { row, line };
          }
          return;
        }
        if (record.length !== headerLength) throw ragged(file, record, headerLength, row, line, delimiter);
        if (onRecord(record, row, line) === false) stop();
      } catch (e) {
        stop(e);
      }
    });
    // Errors (bad encoding, unreadable file, bad quoting) all end the pipeline here.
    pipeline(readUtf8Chunks(file, options), parser, (error) => settle(error ?? undefined));
  });
}

const CANDIDATES = [',', '\t', ';', '|'];

function checkDelimiter(file: string, header: string[], delimiter: string, line: number): void {
  if (header.length !== 1) return;
  let best = '';
  let bestCount = 0;
  for (const d of CANDIDATES) {
    if (d === delimiter) continue;
    const count = header[0].split(d).length - 1;
    if (count > bestCount) [best, bestCount] = [d, count];
  }
  if (bestCount === 0) return;
  const hint =
    best === '\t'
      ? 'set data.format to tsv'
      : best === ','
        ? 'set data.format to csv'
        : `deepline reads comma-separated (csv) and tab-separated (tsv) files: export the file again as CSV (a ${showDelimiter(best)}-separated file often writes decimal commas, which must become points)`;
  throw new DeeplineError(
    'DL_DATA_FORMAT',
    `${file} line ${line}: the header is a single column ${quoteCell(header[0])}; the file seems to be ${showDelimiter(best)}-separated, but it is read as ${showDelimiter(delimiter)}-separated`,
    { hint, location: { file, line } },
  );
}

function ragged(file: string, record: string[], expected: number, row: number, line: number, delimiter: string): DeeplineError {
  const extraEmpty = record.length === expected + 1 && record[expected] === '';
  const d = showDelimiter(delimiter);
  return new DeeplineError('DL_DATA_FORMAT', `${file} row ${row} (line ${line}) has ${record.length} fields, expected ${expected} as in the header`, {
    hint: extraEmpty
      ? `the line ends with an extra ${d}: remove it, or name the last column in the header`
      : `look for a missing or extra ${d} on that line, or an unquoted value containing one (quote it: "1,5")`,
    location: { file, row, line },
  });
}

/**
 * `row` is the record being parsed (0 for the header), `startLine` the line it starts on: where
 * the quote that went wrong was opened, while csv-parse's own message names where it noticed.
 * `above` names a record above the header instead.
 * csv-parse quotes the whole field in its message, so it is cut: a binary file or a runaway quote
 * would otherwise print kilobytes of escaped bytes.
 */
function parseError(file: string, e: CsvError, row: number, startLine: number, above: string | undefined): DeeplineError {
  const unclosed = e.code === 'CSV_QUOTE_NOT_CLOSED';
  const where = above ?? (row === 0 ? `header (line ${startLine})` : `row ${row} (line ${startLine})`);
  const detail = e.message.length > 160 ? `${e.message.slice(0, 160)}…` : e.message;
  return new DeeplineError('DL_DATA_FORMAT', `${file} ${where}: ${unclosed ? 'a quoted value is never closed' : `bad quoting: ${detail}`}`, {
    hint: unclosed
      ? 'look for a stray double quote on that line: a quote inside a quoted value is written twice ("")'
      : 'a closing quote must be followed by the delimiter or the end of the line; a quote inside a quoted value is written twice ("")',
    location: { file, line: startLine, ...(row > 0 ? { row } : {}) },
    cause: e,
  });
}

function showDelimiter(d: string): string {
  return d === '\t' ? 'tab' : `"${d}"`;
}

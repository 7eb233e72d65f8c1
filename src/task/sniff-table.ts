import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { detectHeaderLine, type HeaderGuess } from '../data/readers/detect-header-line.ts';
import { readDelimited } from '../data/readers/read-delimited.ts';
import { readHeadRecords } from '../data/readers/read-head-records.ts';
import { withHeaderAdvice } from '../data/readers/with-header-advice.ts';
import { DeeplineError, fileAccessError, isFileSystemError } from '../errors/index.ts';

/** The head of a table: its column names and up to `maxRows` rows, values as read. */
export interface TableSample {
  readonly columns: readonly string[];
  /** Row-major values aligned to `columns`: strings for CSV/TSV, JSON values for JSONL (null when absent). */
  readonly rows: readonly (readonly unknown[])[];
  /** True when the file has more rows than were read. */
  readonly truncated: boolean;
  /** CSV/TSV: the line the header was read from. */
  readonly headerLine?: number;
  /** CSV/TSV: where the header seems to be when it is not the first line (see detectHeaderLine). */
  readonly headerGuess?: HeaderGuess;
}

export interface SniffOptions {
  /** CSV/TSV: the line of the header (data.header); without it, the line detectHeaderLine finds, else the first. */
  readonly header?: number;
  /** The target column, when known: a header holding it is the header. */
  readonly target?: string;
}

/** Records looked at to find the header; a preamble is a few lines, the rest shows what rows look like. */
const HEAD_RECORDS = 50;

/**
 * Reads only the first `maxRows` data rows of a CSV, TSV or JSONL file, so that guessing what a
 * file holds costs the same for a 1 MB and a 10 GB file. Malformed input is DL_DATA_FORMAT
 * with the line it was found on.
 */
export async function sniffTable(path: string, format: 'csv' | 'tsv' | 'jsonl', maxRows = 2000, options: SniffOptions = {}): Promise<TableSample> {
  try {
    return await (format === 'jsonl' ? sniffJsonl(path, maxRows) : sniffDelimited(path, format === 'tsv' ? '\t' : ',', maxRows, options));
  } catch (e) {
    throw isFileSystemError(e) ? fileAccessError(e, path, { what: 'data file', missingCode: 'DL_DATA_MISSING' }) : e;
  }
}

async function sniffDelimited(path: string, delimiter: ',' | '\t', maxRows: number, options: SniffOptions): Promise<TableSample> {
  // Through the table reader itself, so encoding, binary files, mixed line ends and field counts
  // are judged (and worded) exactly as when the run reads the whole file.
  const head = await readHeadRecords(path, delimiter, HEAD_RECORDS);
  if (head.length === 0) throw emptyFile(path);
  const headerGuess = detectHeaderLine(head, options.target);
  const headerLine = options.header ?? headerGuess?.line ?? head[0].line;
  let columns: string[] | undefined;
  const rows: string[][] = [];
  let truncated = false;
  let lastLine = 0;
  const onAboveHeader = (_: string[], line: number): void => void (lastLine = line);
  try {
    await readDelimited(path, { delimiter, progressTotal: 0, headerLine, onAboveHeader }, (cells, row) => {
      if (row === 0) {
        columns = cells;
      } else if (rows.length === maxRows) {
        truncated = true;
        return false;
      } else {
        rows.push(cells);
      }
      return true;
    });
  } catch (e) {
    throw withHeaderAdvice(e, headerGuess, headerLine);
  }
  if (columns === undefined) throw headerPastEnd(path, headerLine, lastLine);
  return { columns, rows, truncated, headerLine, ...(headerGuess && { headerGuess }) };
}

async function sniffJsonl(path: string, maxRows: number): Promise<TableSample> {
  const source = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  const columns: string[] = [];
  const seen = new Set<string>();
  const records: Record<string, unknown>[] = [];
  let truncated = false;
  let lineNumber = 0;
  try {
    for await (const raw of lines) {
      lineNumber++;
      const line = (lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
      if (line === '') continue;
      if (records.length === maxRows) {
        truncated = true;
        break;
      }
      const record = parseJsonObject(line, path, lineNumber);
      for (const key of Object.keys(record)) {
        if (!seen.has(key)) {
          seen.add(key);
          columns.push(key);
        }
      }
      records.push(record);
    }
  } finally {
    lines.close();
    source.destroy();
  }
  if (records.length === 0) throw emptyFile(path);
  // Own keys only: a row without a "constructor" key must read as missing, not as Object.
  return { columns, rows: records.map((r) => columns.map((c) => (Object.hasOwn(r, c) ? r[c] : null))), truncated };
}

function parseJsonObject(line: string, path: string, lineNumber: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    throw new DeeplineError('DL_DATA_FORMAT', `line ${lineNumber} of ${basename(path)} is not valid JSON: ${(e as Error).message}`, {
      hint: 'each line of a JSONL file must be one JSON object',
      location: { file: path, line: lineNumber },
      cause: e,
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DeeplineError('DL_DATA_FORMAT', `line ${lineNumber} of ${basename(path)} is not a JSON object`, {
      hint: 'each line of a JSONL file must be one JSON object, e.g. {"text": "...", "label": "spam"}',
      location: { file: path, line: lineNumber },
    });
  }
  return value as Record<string, unknown>;
}

function headerPastEnd(path: string, header: number, last: number): DeeplineError {
  return new DeeplineError('DL_DATA_FORMAT', `${basename(path)} has no line ${header} to read the header from: its last record starts on line ${last}`, {
    hint: 'set `data.header` to the line of the column names (1 for the first line)',
    location: { file: path, line: header },
  });
}

function emptyFile(path: string): DeeplineError {
  return new DeeplineError('DL_DATA_FORMAT', `${basename(path)} is empty: it has no header or rows`, {
    hint: 'point `data.path` at a file with a header line and data rows',
    location: { file: path },
  });
}

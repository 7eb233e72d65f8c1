import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { CsvError, parse } from 'csv-parse';
import { DeeplineError, fileAccessError, isFileSystemError } from '../errors/index.ts';

/** The head of a table: its column names and up to `maxRows` rows, values as read. */
export interface TableSample {
  readonly columns: readonly string[];
  /** Row-major values aligned to `columns`: strings for CSV/TSV, JSON values for JSONL (null when absent). */
  readonly rows: readonly (readonly unknown[])[];
  /** True when the file has more rows than were read. */
  readonly truncated: boolean;
}

/**
 * Reads only the first `maxRows` data rows of a CSV, TSV or JSONL file, so that guessing what a
 * file holds costs the same for a 1 MB and a 10 GB file. Malformed input is DL_DATA_FORMAT
 * with the line it was found on.
 */
export async function sniffTable(path: string, format: 'csv' | 'tsv' | 'jsonl', maxRows = 2000): Promise<TableSample> {
  try {
    return await (format === 'jsonl' ? sniffJsonl(path, maxRows) : sniffDelimited(path, format === 'tsv' ? '\t' : ',', maxRows));
  } catch (e) {
    throw isFileSystemError(e) ? fileAccessError(e, path, { what: 'data file', missingCode: 'DL_DATA_MISSING' }) : e;
  }
}

async function sniffDelimited(path: string, delimiter: string, maxRows: number): Promise<TableSample> {
  const source = createReadStream(path);
  // Field counts are checked here rather than by csv-parse, so the error names the data row too.
  const parser = source.pipe(parse({ delimiter, bom: true, skip_empty_lines: true, relax_column_count: true, info: true }));
  // pipe() does not forward a read error (an unreadable file): without this it would crash the process.
  source.on('error', (e) => parser.destroy(e));
  let columns: string[] | undefined;
  const rows: string[][] = [];
  let truncated = false;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (columns === undefined) {
        columns = record;
      } else if (record.length !== columns.length) {
        const row = rows.length + 1;
        throw new DeeplineError(
          'DL_DATA_FORMAT',
          `${path} row ${row} (line ${info.lines}) has ${record.length} fields, expected ${columns.length} as in the header`,
          {
            hint: `look for a missing or extra ${delimiter === '\t' ? 'tab' : `"${delimiter}"`} on that line, or an unquoted value containing one`,
            location: { file: path, row, line: info.lines },
          },
        );
      } else if (rows.length === maxRows) {
        truncated = true;
        break;
      } else {
        rows.push(record);
      }
    }
  } catch (e) {
    if (e instanceof CsvError) {
      const line = typeof e.lines === 'number' ? e.lines : undefined;
      throw new DeeplineError('DL_DATA_FORMAT', `cannot read ${basename(path)} as ${delimiter === '\t' ? 'TSV' : 'CSV'}: ${e.message}`, {
        hint: 'repair the file at the line shown, or set `data.format` if it is not a delimited table',
        location: { file: path, line },
        cause: e,
      });
    }
    throw e;
  } finally {
    source.destroy();
  }
  if (columns === undefined) throw emptyFile(path);
  return { columns, rows, truncated };
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

function emptyFile(path: string): DeeplineError {
  return new DeeplineError('DL_DATA_FORMAT', `${basename(path)} is empty: it has no header or rows`, {
    hint: 'point `data.path` at a file with a header line and data rows',
    location: { file: path },
  });
}

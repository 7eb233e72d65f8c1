import { readFile } from 'node:fs/promises';
import type { Column, ColumnType, Table } from '../../../src/data/table.ts';

/**
 * A Table from rows of raw CSV text, converted the way a table reader does (empty cell =
 * missing, categories in first-seen order, dates through Date.parse), written independently of
 * the transform's own parsing so the parity tests compare two real paths.
 */
export function tableFromRows(header: readonly string[], rows: readonly (readonly string[])[], types: Readonly<Record<string, ColumnType>>, target: string): Table {
  const columns = header.map((name, j): Column => {
    const raw = rows.map((r) => r[j].trim());
    const type = types[name];
    if (type === 'categorical') {
      const categories: string[] = [];
      const index = new Map<string, number>();
      const codes = Int32Array.from(raw, (s) => {
        if (s === '') return -1;
        let k = index.get(s);
        if (k === undefined) {
          k = categories.push(s) - 1;
          index.set(s, k);
        }
        return k;
      });
      return { name, type, codes, categories };
    }
    if (type === 'text') return { name, type, values: raw.map((s) => (s === '' ? null : s)) };
    const parse = type === 'numeric' ? Number : type === 'date' ? Date.parse : (s: string) => (s === 'true' ? 1 : 0);
    return { name, type, values: Float64Array.from(raw, (s) => (s === '' ? NaN : parse(s))) };
  });
  return { n: rows.length, columns, target, sourceRows: Int32Array.from(rows, (_, i) => i + 1) };
}

/** A small CSV without quoted fields (the example data) as header + rows of text. */
export async function readSimpleCsv(path: string): Promise<{ header: string[]; rows: string[][] }> {
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

/** Rows as the JSON records a client would send: every value as the text of its CSV cell. */
export function recordsOf(header: readonly string[], rows: readonly (readonly string[])[]): Record<string, string>[] {
  return rows.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j]])));
}

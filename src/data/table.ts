import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FORMAT_VERSIONS } from '../store/formats/format-versions.ts';

/**
 * The type a column was inferred to hold. Decides how it is profiled, validated, cleaned and
 * encoded: numbers are standardised, categories one-hot or embedded, text tokenised, dates
 * expanded into numeric parts, booleans read as 0/1.
 */
export type ColumnType = 'numeric' | 'categorical' | 'boolean' | 'text' | 'date';

/**
 * One column of a raw table, before any transform. Missing values are explicit: NaN in a
 * Float64Array, -1 in category codes, null in text.
 */
export type Column =
  /** numeric: the value; boolean: 0 or 1; date: milliseconds since the epoch (UTC). */
  | { readonly name: string; readonly type: 'numeric' | 'boolean' | 'date'; readonly values: Float64Array }
  /** Codes index `categories`; -1 is missing. `categories` is in first-seen order. */
  | { readonly name: string; readonly type: 'categorical'; readonly codes: Int32Array; readonly categories: readonly string[] }
  | { readonly name: string; readonly type: 'text'; readonly values: readonly (string | null)[] };

/**
 * A raw table as read from CSV/TSV/JSONL: typed columns of equal length `n`, the target among
 * them. The tabular and text templates work on it until the transform step turns it into a
 * `Dataset` of tensors (images skip it: their readers produce a Dataset directly).
 */
export interface Table {
  readonly n: number;
  readonly columns: readonly Column[];
  /** The column to predict (one of `columns`). */
  readonly target: string;
  /** 1-based data row in the source file of each row (header not counted), for messages and reports. */
  readonly sourceRows: Int32Array;
  /** sha256 of the source's content, when the reader computed it. */
  readonly dataVersion?: string;
}

export const TABLE_FORMAT_VERSION = FORMAT_VERSIONS.table;

interface TableMeta {
  readonly formatVersion: number;
  readonly kind: 'table';
  readonly n: number;
  readonly target: string;
  readonly dataVersion?: string;
  readonly columns: readonly ({ name: string; type: ColumnType; file: string; categories?: readonly string[] })[];
}

export function getColumn(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

/**
 * Writes a table into `dir`: `meta.json`, one little-endian binary file per numeric/categorical
 * column (`c<i>.f64` / `c<i>.i32`), one JSON array per text column, and `rows.i32`.
 */
export async function saveTable(dir: string, table: Table): Promise<void> {
  await mkdir(dir, { recursive: true });
  const columns: TableMeta['columns'][number][] = [];
  for (const [i, col] of table.columns.entries()) {
    if (col.type === 'categorical') {
      const file = `c${i}.i32`;
      await writeFile(join(dir, file), bytesOf(col.codes));
      columns.push({ name: col.name, type: col.type, file, categories: col.categories });
    } else if (col.type === 'text') {
      const file = `c${i}.json`;
      await writeFile(join(dir, file), JSON.stringify(col.values));
      columns.push({ name: col.name, type: col.type, file });
    } else {
      const file = `c${i}.f64`;
      await writeFile(join(dir, file), bytesOf(col.values));
      columns.push({ name: col.name, type: col.type, file });
    }
  }
  await writeFile(join(dir, 'rows.i32'), bytesOf(table.sourceRows));
  const meta: TableMeta = { formatVersion: TABLE_FORMAT_VERSION, kind: 'table', n: table.n, target: table.target, dataVersion: table.dataVersion, columns };
  await writeFile(join(dir, 'meta.json'), JSON.stringify(meta, null, 1));
}

export async function loadTable(dir: string): Promise<Table> {
  const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as TableMeta;
  if (meta.kind !== 'table' || meta.formatVersion !== TABLE_FORMAT_VERSION) {
    throw new Error(`${dir} is not a table of format version ${TABLE_FORMAT_VERSION} (kind ${meta.kind}, version ${meta.formatVersion})`);
  }
  const columns: Column[] = [];
  for (const c of meta.columns) {
    const bytes = await readFile(join(dir, c.file));
    if (c.type === 'categorical') columns.push({ name: c.name, type: 'categorical', codes: new Int32Array(aligned(bytes)), categories: c.categories ?? [] });
    else if (c.type === 'text') columns.push({ name: c.name, type: 'text', values: JSON.parse(bytes.toString('utf8')) as (string | null)[] });
    else columns.push({ name: c.name, type: c.type, values: new Float64Array(aligned(bytes)) });
  }
  const sourceRows = new Int32Array(aligned(await readFile(join(dir, 'rows.i32'))));
  return { n: meta.n, columns, target: meta.target, sourceRows, dataVersion: meta.dataVersion };
}

/** A new table holding the rows at `indices`, in that order (categories are kept as they are). */
export function subsetTable(table: Table, indices: ArrayLike<number>): Table {
  const m = indices.length;
  const pick = <A extends Float64Array | Int32Array>(src: A, make: (m: number) => A): A => {
    const out = make(m);
    for (let i = 0; i < m; i++) out[i] = src[indices[i]];
    return out;
  };
  const columns = table.columns.map((col): Column => {
    if (col.type === 'categorical') return { ...col, codes: pick(col.codes, (k) => new Int32Array(k)) };
    if (col.type === 'text') return { ...col, values: Array.from({ length: m }, (_, i) => col.values[indices[i]]) };
    return { ...col, values: pick(col.values, (k) => new Float64Array(k)) };
  });
  return { ...table, n: m, columns, sourceRows: pick(table.sourceRows, (k) => new Int32Array(k)) };
}

function bytesOf(a: Float64Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function aligned(buf: Buffer): ArrayBuffer {
  // Node's pooled Buffers may start at an offset that is not a multiple of 8: copy.
  const out = new ArrayBuffer(buf.byteLength);
  new Uint8Array(out).set(buf);
  return out;
}

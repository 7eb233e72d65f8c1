import type { Column, Table } from '../table.ts';

export interface DuplicateRows {
  /** Row indices to keep: every row whose exact copy did not come earlier, in table order. */
  readonly keep: Int32Array;
  /** Row indices of the later copies. */
  readonly duplicates: Int32Array;
  /** For each of `duplicates`, the index of the earlier row it repeats. */
  readonly firstOf: Int32Array;
}

/**
 * Exact duplicate rows: equal in every column, the target included, with two missing values
 * counted as equal. Rows are bucketed by a 32-bit hash and compared value by value within a
 * bucket, so memory stays one number per distinct row however wide the table is.
 */
export function findDuplicateRows(table: Table): DuplicateRows {
  const hashes = rowHashes(table);
  const firstByHash = new Map<number, number | number[]>();
  const keep: number[] = [];
  const duplicates: number[] = [];
  const firstOf: number[] = [];
  for (let i = 0; i < table.n; i++) {
    const h = hashes[i];
    const seen = firstByHash.get(h);
    const candidates = seen === undefined ? [] : typeof seen === 'number' ? [seen] : seen;
    const same = candidates.find((j) => rowsEqual(table.columns, i, j));
    if (same !== undefined) {
      duplicates.push(i);
      firstOf.push(same);
      continue;
    }
    keep.push(i);
    // A hash collision between different rows is rare: only then does a bucket become a list.
    if (seen === undefined) firstByHash.set(h, i);
    else firstByHash.set(h, [...candidates, i]);
  }
  return { keep: Int32Array.from(keep), duplicates: Int32Array.from(duplicates), firstOf: Int32Array.from(firstOf) };
}

function rowHashes(table: Table): Uint32Array {
  const h = new Uint32Array(table.n).fill(0x811c9dc5);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  const mix = (i: number, v: number): void => {
    h[i] = Math.imul(h[i] ^ v, 0x01000193) >>> 0;
  };
  for (const col of table.columns) {
    for (let i = 0; i < table.n; i++) {
      if (col.type === 'categorical') mix(i, col.codes[i]);
      else if (col.type === 'text') {
        const s = col.values[i];
        if (s === null) mix(i, 0x9e3779b9);
        else for (let c = 0; c < s.length; c++) mix(i, s.charCodeAt(c));
        mix(i, s?.length ?? 0);
      } else {
        const v = col.values[i];
        // Every NaN (missing) and both zeros must hash alike, as they compare equal below.
        bits[0] = Number.isNaN(v) ? NaN : v + 0;
        mix(i, words[0]);
        mix(i, words[1]);
      }
    }
  }
  return h;
}

function rowsEqual(columns: readonly Column[], i: number, j: number): boolean {
  for (const col of columns) {
    if (col.type === 'categorical') {
      if (col.codes[i] !== col.codes[j]) return false;
    } else if (col.type === 'text') {
      if (col.values[i] !== col.values[j]) return false;
    } else {
      const a = col.values[i];
      const b = col.values[j];
      if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) return false;
    }
  }
  return true;
}

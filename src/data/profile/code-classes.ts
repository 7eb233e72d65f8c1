import type { Column } from '../table.ts';

/** Class codes per row (-1 = missing) and the class names they index. */
export interface ClassCoding {
  readonly codes: Int32Array;
  readonly classes: readonly string[];
}

/**
 * Reads a column as classes: categorical codes as they are; booleans as false/true; text by
 * distinct value in first-seen order; numbers (and dates) by distinct value in ascending order,
 * named as written (`3`, `4.5`), so a numeric label column can be profiled as a class target.
 */
export function codeClasses(column: Column): ClassCoding {
  if (column.type === 'categorical') return { codes: column.codes, classes: column.categories };
  const n = column.type === 'text' ? column.values.length : column.values.length;
  const codes = new Int32Array(n).fill(-1);
  if (column.type === 'text') {
    const index = new Map<string, number>();
    column.values.forEach((v, i) => {
      if (v === null) return;
      let code = index.get(v);
      if (code === undefined) index.set(v, (code = index.size));
      codes[i] = code;
    });
    return { codes, classes: [...index.keys()] };
  }
  if (column.type === 'boolean') {
    for (let i = 0; i < n; i++) {
      const v = column.values[i];
      if (v === 0 || v === 1) codes[i] = v;
    }
    return { codes, classes: ['false', 'true'] };
  }
  const distinct = [...new Set(Array.from(column.values).filter((v) => Number.isFinite(v)))].sort((a, b) => a - b);
  const index = new Map(distinct.map((v, i) => [v, i]));
  for (let i = 0; i < n; i++) codes[i] = index.get(column.values[i]) ?? -1;
  return { codes, classes: distinct.map((v) => String(v)) };
}

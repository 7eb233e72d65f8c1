import type { Column, Table } from '../../../src/data/table.ts';

type Cell = number | string | null;

/**
 * A Table from plain values, typed the way the readers would store them: `numeric`, `boolean`
 * and `date` columns take numbers (null = missing), `categorical` strings (categories in
 * first-seen order), `text` strings.
 */
export function makeTable(target: string, spec: Record<string, { type: Column['type']; values: readonly Cell[] }>): Table {
  const columns: Column[] = Object.entries(spec).map(([name, { type, values }]) => {
    if (type === 'categorical') {
      const categories: string[] = [];
      const codes = Int32Array.from(values, (v) => {
        if (v === null) return -1;
        const s = String(v);
        let k = categories.indexOf(s);
        if (k < 0) k = categories.push(s) - 1;
        return k;
      });
      return { name, type, codes, categories };
    }
    if (type === 'text') return { name, type, values: values.map((v) => (v === null ? null : String(v))) };
    return { name, type, values: Float64Array.from(values, (v) => (v === null ? Number.NaN : Number(v))) };
  });
  const n = Object.values(spec)[0]?.values.length ?? 0;
  return { n, columns, target, sourceRows: Int32Array.from({ length: n }, (_, i) => i + 1) };
}

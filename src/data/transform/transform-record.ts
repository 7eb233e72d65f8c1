import { DeeplineError } from '../../errors/deepline-error.ts';
import { encodeCell, encoderLookup } from './encode-cell.ts';
import { jsonCell } from './json-cell.ts';
import type { TableTransform } from './table-transform.ts';

/**
 * The serving path: one raw record as a client sends it (`{ "age": "42", "city": "Oslo",
 * "joined": "2021-03-04" }`; strings, numbers, booleans or null) → the model's input features.
 * A key left out counts as a missing value; keys the transform does not use (the target
 * included) are ignored. Bit-identical to the row `applyTableTransform` makes from the same values.
 */
export function transformRecord(t: TableTransform, record: Readonly<Record<string, unknown>>): Float32Array {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new DeeplineError('DL_DATA_VALUE', `a record must be a JSON object of column values, but got ${Array.isArray(record) ? 'an array' : JSON.stringify(record)}`, {
      hint: `send e.g. { ${t.columns.slice(0, 2).map((c) => `"${c.column}": ...`).join(', ')} }`,
    });
  }
  const out = new Float32Array(t.featureShape[0]);
  const lookups = lookupsOf(t);
  let at = 0;
  for (const [j, enc] of t.columns.entries()) {
    const value = Object.hasOwn(record, enc.column) ? record[enc.column] : undefined;
    if (!encodeCell(enc, jsonCell(enc.kind, enc.column, value), out, at, lookups[j])) {
      throw new DeeplineError('DL_DATA_VALUE', `column ${enc.column} has no value, and the model was trained without imputation`, {
        hint: `send a value for ${enc.column}`,
        location: { field: enc.column },
      });
    }
    at += enc.features.length;
  }
  return out;
}

/**
 * Category and token maps per transform, built on its first record: a 20,000-token vocabulary
 * would otherwise be rebuilt for every request. Weakly held, so it is a cache, not state: a
 * transform that is dropped takes its maps with it.
 */
const LOOKUPS = new WeakMap<TableTransform, (ReadonlyMap<string, number> | undefined)[]>();

function lookupsOf(t: TableTransform): (ReadonlyMap<string, number> | undefined)[] {
  let lookups = LOOKUPS.get(t);
  if (!lookups) {
    lookups = t.columns.map(encoderLookup);
    LOOKUPS.set(t, lookups);
  }
  return lookups;
}

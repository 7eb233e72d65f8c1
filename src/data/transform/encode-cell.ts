import { datePart } from './date-parts.ts';
import type { ColumnEncoder } from './table-transform.ts';
import { tokenize } from './tokenize.ts';

/**
 * One raw value as an encoder reads it: a number for numeric, boolean (0/1) and date
 * (milliseconds) columns, NaN or an infinity when missing; a string for categorical and text
 * columns, null when missing. Training and serving convert their inputs into this and nothing else.
 */
export type Cell = number | string | null;

/**
 * Writes the features of one cell at `out[at..at + width)`. The only code that turns raw values
 * into features: the training path (`applyTableTransform`) and the serving path
 * (`transformRecord`) both call it, which is what makes their tensors bit-identical. Returns
 * false, writing nothing, for a missing value that the transform may not impute.
 */
export function encodeCell(enc: ColumnEncoder, cell: Cell, out: Float32Array, at: number, lookup?: ReadonlyMap<string, number>): boolean {
  switch (enc.kind) {
    case 'numeric':
    case 'boolean':
    case 'date': {
      const raw = typeof cell === 'number' ? cell : NaN;
      const missing = !Number.isFinite(raw);
      if (missing && enc.fill === null) return false;
      const v = missing ? (enc.fill as number) : raw;
      let width: number;
      if (enc.kind === 'numeric') {
        out[at] = (v - enc.mean) / enc.std;
        width = 1;
      } else if (enc.kind === 'boolean') {
        out[at] = v === 0 ? 0 : 1;
        width = 1;
      } else {
        enc.parts.forEach((part, p) => {
          out[at + p] = (datePart(v, part) - enc.mean[p]) / enc.std[p];
        });
        width = enc.parts.length;
      }
      if (enc.indicator) out[at + width] = missing ? 1 : 0;
      return true;
    }
    case 'one-hot': {
      const missing = typeof cell !== 'string';
      if (missing && enc.fill === null) return false;
      const slots = lookup ?? categorySlots(enc);
      const value = missing ? (enc.fill as string) : cell;
      const k = enc.categories.length;
      const unknown = k + (enc.rare.length > 0 ? 1 : 0);
      out.fill(0, at, at + unknown + 1);
      out[at + (slots.get(value) ?? unknown)] = 1;
      if (enc.indicator) out[at + unknown + 1] = missing ? 1 : 0;
      return true;
    }
    case 'tokens': {
      const ids = lookup ?? tokenIds(enc);
      const tokens = typeof cell === 'string' ? tokenize(cell) : [];
      const used = Math.min(tokens.length, enc.maxLen);
      // Ids 0 (padding) and 1 (out of vocabulary) are reserved; vocabulary[0..1] name them.
      for (let i = 0; i < used; i++) out[at + i] = ids.get(tokens[i]) ?? 1;
      out.fill(0, at + used, at + enc.maxLen);
      return true;
    }
  }
}

/**
 * The slot lookup `encodeCell` needs for a one-hot or tokens encoder: category → slot (rare
 * categories → the `other` slot), or token → id. Build it once per batch and pass it in.
 */
export function encoderLookup(enc: ColumnEncoder): ReadonlyMap<string, number> | undefined {
  if (enc.kind === 'one-hot') return categorySlots(enc);
  if (enc.kind === 'tokens') return tokenIds(enc);
  return undefined;
}

function categorySlots(enc: Extract<ColumnEncoder, { kind: 'one-hot' }>): Map<string, number> {
  const slots = new Map(enc.categories.map((c, i) => [c, i] as const));
  for (const c of enc.rare) slots.set(c, enc.categories.length);
  return slots;
}

function tokenIds(enc: Extract<ColumnEncoder, { kind: 'tokens' }>): Map<string, number> {
  // Ids 0 and 1 are padding and out-of-vocabulary: never produced by a lookup.
  return new Map(enc.vocabulary.slice(2).map((t, i) => [t, i + 2] as const));
}

import { parseTableTransform, type ColumnEncoder } from '../../data/transform/table-transform.ts';

/**
 * The features of a table transform an attacker may not move, true at their index: one-hot
 * slots, booleans and missing-value indicators take 0 or 1 only (a perturbation of 0.05 would
 * make an input no row could produce), and token ids are symbols, not quantities. Numeric and
 * date-part features stay free. Undefined for any other transform (images, plain
 * standardisation), whose features are all quantities.
 */
export function frozenFeatures(transform: unknown): boolean[] | undefined {
  if ((transform as { kind?: unknown } | null)?.kind !== 'table') return undefined;
  return parseTableTransform(transform).columns.flatMap(frozenSlots);
}

function frozenSlots(enc: ColumnEncoder): boolean[] {
  const indicator = 'indicator' in enc && enc.indicator ? [true] : [];
  switch (enc.kind) {
    case 'numeric':
      return [false, ...indicator];
    case 'date':
      return [...enc.parts.map(() => false), ...indicator];
    case 'boolean':
    case 'one-hot':
    case 'tokens':
      return enc.features.map(() => true);
  }
}

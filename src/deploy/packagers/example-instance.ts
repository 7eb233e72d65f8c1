import type { TableTransform } from '../../data/transform/table-transform.ts';

/**
 * A plausible raw record for a table model, for the examples a bundle's README shows: each
 * column's training mean (numbers), first category, a date, or a short text — values that pass
 * the server's checks, not a meaningful input. Undefined for transforms that are not tables.
 */
export function exampleInstance(transform: { readonly kind?: string }): Record<string, unknown> | undefined {
  if (transform.kind !== 'table') return undefined;
  const t = transform as unknown as TableTransform;
  return Object.fromEntries(
    t.columns.map((c) => {
      switch (c.kind) {
        case 'numeric':
          return [c.column, Number(c.mean.toPrecision(3))];
        case 'boolean':
          return [c.column, true];
        case 'date':
          return [c.column, '2024-01-01'];
        case 'one-hot':
          return [c.column, c.categories[0] ?? null];
        case 'tokens':
          return [c.column, 'an example text'];
      }
    }),
  );
}

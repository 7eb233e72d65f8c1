import type { ColumnType } from '../../../src/data/table.ts';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';

export const MIXED_HEADER = ['income', 'age', 'member', 'joined', 'city', 'product', 'note', 'label'] as const;

export const MIXED_TYPES: Readonly<Record<string, ColumnType>> = {
  income: 'numeric',
  age: 'numeric',
  member: 'boolean',
  joined: 'date',
  city: 'categorical',
  product: 'categorical',
  note: 'text',
  label: 'categorical',
};

const CITIES = ['oslo', 'bergen', 'lima', 'quito', 'perth'];

/**
 * Rows of raw CSV text mixing every column type, with missing cells (~10% per column), 40
 * products (more than the one-hot limit), dates with times of day, and — when `unseen` — cities
 * and a product that a table of `unseen: false` rows never has.
 */
export function mixedRows(n: number, seed: number, options: { unseen?: boolean } = {}): string[][] {
  const rng = createSeededRandom(seed);
  const maybe = (s: string): string => (rng.next() < 0.1 ? '' : s);
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const income = (20_000 + rng.next() * 80_000).toFixed(2);
    const age = String(18 + rng.int(60));
    const member = rng.next() < 0.3 ? 'true' : 'false';
    const ms = Date.UTC(2019, 0, 1) + rng.int(5 * 365) * 86_400_000 + rng.int(24 * 60) * 60_000;
    const joined = new Date(ms).toISOString().replace('.000Z', 'Z');
    const city = options.unseen && i % 7 === 0 ? `new-city-${i % 3}` : CITIES[rng.int(CITIES.length)];
    // Skewed, so the top-20 cut is by frequency, not by name.
    const product = options.unseen && i % 11 === 0 ? 'brand-new-product' : `p${Math.floor(40 * rng.next() ** 2)}`;
    const note = rng.next() < 0.5 ? 'call back later' : 'ok';
    const label = Number(income) > 60_000 ? 'high' : Number(age) > 50 ? 'mid' : 'low';
    rows.push([maybe(income), maybe(age), maybe(member), maybe(joined), maybe(city), maybe(product), note, label]);
  }
  return rows;
}

import type { Dataset } from './dataset.ts';
import { createSeededRandom } from '../seed/seeded-random.ts';

/**
 * The indices (ascending) of `m` of the data's examples, stratified: the examples are shuffled
 * with `seed`, sorted by target (stable, so the shuffle decides the order within a class or
 * among equal values) and the middle one of every n / m in that order is taken, so each class
 * keeps its share of the data (±1) and a numeric target its range. All of them when m ≥ n. The
 * same data, m and seed give the same sample in every process.
 */
export function stratifiedSample(data: Pick<Dataset, 'n' | 'y'>, m: number, seed: number): Int32Array {
  const take = Math.max(0, Math.min(data.n, Math.floor(m)));
  if (take === data.n) return Int32Array.from({ length: data.n }, (_, i) => i);
  const order = createSeededRandom(seed).shuffle(Array.from({ length: data.n }, (_, i) => i));
  order.sort((a, b) => data.y[a]! - data.y[b]!);
  const step = data.n / take;
  const picked = Int32Array.from({ length: take }, (_, j) => order[Math.floor((j + 0.5) * step)]!);
  return picked.sort();
}

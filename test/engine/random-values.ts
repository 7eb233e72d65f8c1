import type { SeededRandom } from '../../src/seed/seeded-random.ts';

/** Uniform values in [-1, 1), or small integers in [-levels, levels] so that ties are common. */
export function randomValues(random: SeededRandom, size: number, levels?: number): Float32Array {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    values[i] = levels === undefined ? random.next() * 2 - 1 : random.int(2 * levels + 1) - levels;
  }
  return values;
}

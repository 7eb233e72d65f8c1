import type { Dataset } from '../../../src/data/dataset.ts';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';

/** A copy of `ds` with `share` of its labels moved to another class, chosen uniformly; returns the flipped indices too. */
export function flipLabels(ds: Dataset, share: number, seed: number): { dataset: Dataset; flipped: Set<number> } {
  if (ds.target.kind !== 'class') throw new Error('flipLabels needs class labels');
  const k = ds.target.classes.length;
  const random = createSeededRandom(seed);
  const chosen = random.shuffle(Array.from({ length: ds.n }, (_, i) => i)).slice(0, Math.round(ds.n * share));
  const y = Float32Array.from(ds.y);
  for (const i of chosen) y[i] = (y[i] + 1 + random.int(k - 1)) % k;
  return { dataset: { ...ds, y }, flipped: new Set(chosen) };
}

import { subsetDataset, type Dataset } from '../dataset.ts';
import { createSeededRandom } from '../../seed/seeded-random.ts';

/**
 * Random oversampling of a (training) data set: every class is topped up to the majority's
 * count with copies of its own examples. Whole copies first, then a seeded random sample without
 * replacement for the remainder, so no example is repeated more than one time beyond any other
 * of its class. The originals come first in their order, the copies after (training shuffles).
 * Never apply it to validation or test data: copies there would fake the evaluation.
 */
export function oversample(ds: Dataset, seed: number): Dataset {
  if (ds.target.kind !== 'class') return ds;
  const byClass = Array.from({ length: ds.target.classes.length }, () => [] as number[]);
  for (let i = 0; i < ds.n; i++) byClass[ds.y[i]].push(i);
  const majority = Math.max(...byClass.map((c) => c.length));
  const rng = createSeededRandom(seed);
  const extra: number[] = [];
  for (const members of byClass) {
    if (members.length === 0) continue;
    const missing = majority - members.length;
    const whole = Math.floor(missing / members.length);
    for (let r = 0; r < whole; r++) extra.push(...members);
    extra.push(...rng.shuffle([...members]).slice(0, missing - whole * members.length));
  }
  if (extra.length === 0) return ds;
  const order = Int32Array.from({ length: ds.n + extra.length }, (_, i) => (i < ds.n ? i : extra[i - ds.n]));
  return subsetDataset(ds, order);
}

import type { Dataset } from '../../data/dataset.ts';
import { createSeededRandom } from '../../seed/seeded-random.ts';

/**
 * The fold (0..k-1) of each example: classes are dealt round-robin after a seeded shuffle, so
 * every fold holds each class in the data's proportion (±1); numeric targets are sorted and dealt
 * in blocks of k, so each fold spans the target's range. The same dataset, k and seed give the
 * same folds in every process, which is what lets trials be compared and their out-of-fold
 * predictions be combined.
 */
export function stratifiedFolds(data: Pick<Dataset, 'n' | 'y' | 'target'>, k: number, seed: number): Int32Array {
  const random = createSeededRandom(seed);
  const order = random.shuffle(Array.from({ length: data.n }, (_, i) => i));
  // A stable sort by target keeps the shuffle's order within a class (or between equal values).
  order.sort((a, b) => data.y[a]! - data.y[b]!);
  const folds = new Int32Array(data.n);
  if (data.target.kind === 'class') {
    // Continue the deal across classes, so small classes do not all start at fold 0.
    order.forEach((example, i) => (folds[example] = i % k));
    return folds;
  }
  for (let start = 0; start < order.length; start += k) {
    const block = order.slice(start, start + k);
    const slots = random.shuffle(Array.from({ length: k }, (_, i) => i));
    block.forEach((example, i) => (folds[example] = slots[i]!));
  }
  return folds;
}

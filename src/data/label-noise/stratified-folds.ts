import { createSeededRandom } from '../../seed/seeded-random.ts';

/**
 * Assigns each example to one of `folds` folds so every class is spread as evenly as possible:
 * each class's examples are shuffled and dealt round-robin, the dealing continuing where the
 * previous class stopped so fold sizes differ by at most one overall.
 */
export function stratifiedFolds(labels: ArrayLike<number>, folds: number, seed: number): Int32Array {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const members = byClass.get(labels[i]);
    if (members) members.push(i);
    else byClass.set(labels[i], [i]);
  }
  const random = createSeededRandom(seed);
  const fold = new Int32Array(labels.length);
  let next = 0;
  // Classes in label order, so the result does not depend on which label appears first.
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    for (const i of random.shuffle(byClass.get(label)!)) {
      fold[i] = next;
      next = (next + 1) % folds;
    }
  }
  return fold;
}

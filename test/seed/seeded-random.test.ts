import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';

describe('createSeededRandom', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const a = createSeededRandom(42);
    const b = createSeededRandom(42);
    const c = createSeededRandom(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(seqA, Array.from({ length: 5 }, () => b.next()));
    assert.notDeepEqual(seqA, Array.from({ length: 5 }, () => c.next()));
  });

  it('is uniform enough: mean near 1/2 and every bucket used evenly', () => {
    const rng = createSeededRandom(7);
    const buckets = new Array(10).fill(0);
    let sum = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const v = rng.next();
      assert.ok(v >= 0 && v < 1);
      sum += v;
      buckets[rng.int(10)]++;
    }
    assert.ok(Math.abs(sum / n - 0.5) < 0.01);
    for (const count of buckets) assert.ok(Math.abs(count - n / 10) < 0.05 * (n / 10), `bucket counts ${buckets}`);
  });

  it('shuffles into a permutation, and accepts any number as a seed', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const shuffled = createSeededRandom(-3.7).shuffle([...items]);
    assert.notDeepEqual(shuffled, items);
    assert.deepEqual([...shuffled].sort((x, y) => x - y), items);
    assert.notDeepEqual(createSeededRandom(2 ** 40 + 1).shuffle([...items]), createSeededRandom(1).shuffle([...items]));
  });
});

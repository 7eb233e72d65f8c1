import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MicroBatcher } from '../../src/serve/micro-batcher.ts';

/** A manual clock: timers fire only when the test says so. */
function manualTimers() {
  const timers = new Map<number, () => void>();
  let next = 1;
  return {
    setTimer: (fn: () => void) => {
      timers.set(next, fn);
      return next++;
    },
    clearTimer: (h: unknown) => void timers.delete(h as number),
    fireAll: () => {
      const due = [...timers.values()];
      timers.clear();
      for (const fn of due) fn();
    },
    get count() {
      return timers.size;
    },
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('MicroBatcher', () => {
  it('runs requests that arrive within the wait as one batch, answering each with its own result', async () => {
    const timers = manualTimers();
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatch: 8,
      maxWaitMs: 5,
      run: async (items) => {
        batches.push([...items]);
        return items.map((x) => x * 10);
      },
      ...timers,
    });
    const answers = Promise.all([1, 2, 3].map((x) => batcher.submit(x)));
    await tick();
    assert.equal(batches.length, 0, 'nothing runs before the wait ends');
    assert.equal(timers.count, 1, 'one timer for the batch, not one per request');
    timers.fireAll();
    assert.deepEqual(await answers, [10, 20, 30]);
    assert.deepEqual(batches, [[1, 2, 3]]);
  });

  it('runs a full batch at once, without waiting', async () => {
    const timers = manualTimers();
    const sizes: number[] = [];
    const batcher = new MicroBatcher<number, number>({ maxBatch: 2, maxWaitMs: 1000, run: async (items) => items, onBatch: (n) => sizes.push(n), ...timers });
    assert.deepEqual(await Promise.all([batcher.submit(1), batcher.submit(2)]), [1, 2]);
    assert.deepEqual(sizes, [2]);
    assert.equal(timers.count, 0, 'the timer of a flushed batch is cleared');
  });

  it('collects what arrives during a batch into the next, which starts when the first ends', async () => {
    const timers = manualTimers();
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new MicroBatcher<number, number>({
      maxBatch: 4,
      maxWaitMs: 0,
      run: async (items) => {
        batches.push([...items]);
        if (batches.length === 1) await gate;
        return items;
      },
      ...timers,
    });
    const first = batcher.submit(1);
    const later = [2, 3, 4, 5, 6].map((x) => batcher.submit(x));
    await tick();
    assert.deepEqual(batches, [[1]], 'one batch at a time');
    assert.equal(batcher.queued, 5);
    release();
    assert.deepEqual(await Promise.all([first, ...later]), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(batches, [[1], [2, 3, 4, 5], [6]], 'the next batches hold what waited, up to maxBatch');
  });

  it('rejects every request of a failed batch, and goes on with the next', async () => {
    let calls = 0;
    const batcher = new MicroBatcher<number, number>({
      maxBatch: 2,
      maxWaitMs: 0,
      run: async (items) => {
        if (calls++ === 0) throw new Error('runtime failed');
        return items;
      },
    });
    const failed = batcher.submit(1);
    const next = batcher.submit(2);
    await assert.rejects(failed, /runtime failed/);
    assert.equal(await next, 2);
  });

  it('drains: resolves once every submitted request has its answer', async () => {
    const answered: number[] = [];
    const batcher = new MicroBatcher<number, number>({ maxBatch: 3, maxWaitMs: 1, run: async (items) => items });
    for (const x of [1, 2, 3, 4, 5]) void batcher.submit(x).then((v) => answered.push(v));
    await batcher.drain();
    await tick();
    assert.deepEqual(answered.sort(), [1, 2, 3, 4, 5]);
    await batcher.drain(); // idle: at once
  });

  it('refuses settings that cannot batch', () => {
    assert.throws(() => new MicroBatcher({ maxBatch: 0, maxWaitMs: 1, run: async () => [] }), /maxBatch/);
    assert.throws(() => new MicroBatcher({ maxBatch: 1, maxWaitMs: -1, run: async () => [] }), /maxWaitMs/);
  });
});

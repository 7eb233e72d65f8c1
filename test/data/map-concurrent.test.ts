import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { mapConcurrent } from '../../src/data/map-concurrent.ts';

describe('mapConcurrent', () => {
  it('keeps input order and never exceeds the limit', async () => {
    let active = 0;
    let peak = 0;
    const out = await mapConcurrent([5, 1, 4, 2, 3, 0], 2, async (ms, i) => {
      peak = Math.max(peak, ++active);
      await sleep(ms);
      active--;
      return i * 10;
    });
    assert.deepEqual(out, [0, 10, 20, 30, 40, 50]);
    assert.equal(peak, 2);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    await assert.rejects(
      mapConcurrent([0, 1, 2, 3, 4, 5], 1, async (v) => {
        started.push(v);
        if (v === 2) throw new Error('boom at 2');
      }),
      /boom at 2/,
    );
    assert.deepEqual(started, [0, 1, 2]);
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(mapConcurrent([1, 2], 2, async (v) => v, controller.signal), { name: 'AbortError' });
  });
});

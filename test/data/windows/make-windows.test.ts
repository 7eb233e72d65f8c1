import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeWindows } from '../../../src/data/windows/make-windows.ts';
import { naiveForecastError } from '../../../src/data/windows/naive-forecast-error.ts';

// Values 10·t make every window's content readable: the step a value came from is value / 10.
const steps = (n: number, scale = 10) => Float64Array.from({ length: n }, (_, t) => t * scale);

describe('makeWindows', () => {
  it('pairs each target step with the window ending `horizon` steps before it', () => {
    const w = makeWindows({ channels: [steps(8)] }, { window: 3, horizon: 2, from: 0 });
    // The first full window is steps 0..2, whose target is step 4.
    assert.deepEqual([...w.targetSteps], [4, 5, 6, 7]);
    assert.deepEqual([...w.y], [40, 50, 60, 70]);
    assert.deepEqual([...w.x.subarray(0, 3)], [0, 10, 20]);
    assert.deepEqual([...w.x.subarray(9, 12)], [30, 40, 50]);
    assert.equal(w.n, 4);
  });

  it('interleaves channels per step, target first, and predicts channel 0 only', () => {
    const w = makeWindows({ channels: [steps(5), steps(5, -1)] }, { window: 2, horizon: 1, from: 0 });
    assert.deepEqual([...w.x.subarray(0, 4)], [0, -0, 10, -1]);
    assert.deepEqual([...w.y], [20, 30, 40]);
  });

  it('takes targets only from [from, to), with inputs reaching back before `from`', () => {
    const w = makeWindows({ channels: [steps(20)] }, { window: 4, horizon: 1, from: 10, to: 15 });
    assert.deepEqual([...w.targetSteps], [10, 11, 12, 13, 14]);
    // The window of step 10 is steps 6..9: context from before the range.
    assert.deepEqual([...w.x.subarray(0, 4)], [60, 70, 80, 90]);
    assert.ok(w.y.every((v) => v >= 100 && v < 150), 'no target outside the range');
  });

  it('makes no example when the series is shorter than a window plus the horizon', () => {
    const w = makeWindows({ channels: [steps(4)] }, { window: 3, horizon: 2, from: 0 });
    assert.equal(w.n, 0);
    assert.throws(() => makeWindows({ channels: [steps(4)] }, { window: 0, horizon: 1, from: 0 }), RangeError);
  });
});

describe('naiveForecastError', () => {
  it('scores "the value `horizon` steps ago" over the target range', () => {
    const target = Float64Array.from([1, 2, 4, 7, 11]);
    // horizon 1 over steps 2..4: errors 2, 3, 4.
    const e = naiveForecastError(target, { horizon: 1, from: 2 });
    assert.equal(e.n, 3);
    assert.equal(e.mae, 3);
    assert.ok(Math.abs(e.rmse - Math.sqrt(29 / 3)) < 1e-12);
    // horizon 2 over step 4 only: 11 - 4.
    assert.deepEqual(naiveForecastError(target, { horizon: 2, from: 4 }), { n: 1, mae: 7, rmse: 7 });
  });
});

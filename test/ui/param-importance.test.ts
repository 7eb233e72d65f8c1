import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paramImportances } from '../../src/ui/param-importance.ts';

describe('paramImportances (binned ε²)', () => {
  it('gives a parameter that decides the error everything, and one that is noise nothing', () => {
    const trials = [
      { params: { a: 'x', b: 'p' }, value: 1 },
      { params: { a: 'x', b: 'q' }, value: 1 },
      { params: { a: 'x', b: 'p' }, value: 1 },
      { params: { a: 'y', b: 'q' }, value: 2 },
      { params: { a: 'y', b: 'p' }, value: 2 },
      { params: { a: 'y', b: 'q' }, value: 2 },
    ];
    // b: group means 4/3 and 5/3; between SS 1/6, within mean square (4/3)/4: ε² < 0, so 0.
    assert.deepEqual(paramImportances(trials), [
      { param: 'a', raw: 1, importance: 1 },
      { param: 'b', raw: 0, importance: 0 },
    ]);
  });

  it('bins numbers by rank: values 1..8 in four bins of two explain (40 − 3·0.5) / 42 of a linear error', () => {
    const trials = [3, 1, 4, 8, 5, 2, 7, 6].map((lr) => ({ params: { lr, seedish: lr % 2 }, value: lr }));
    const [lr, seedish] = paramImportances(trials);
    assert.equal(lr!.param, 'lr');
    assert.ok(Math.abs(lr!.raw - 38.5 / 42) < 1e-12, String(lr!.raw));
    // Odd vs even: means 4 and 5 of a spread 1..8; between SS 2, within mean square 40/6.
    assert.equal(seedish!.raw, 0);
    assert.equal(lr!.importance, 1);
  });

  it('says nothing with fewer than 3 trials, a constant error, or one group per trial', () => {
    assert.deepEqual(paramImportances([{ params: { a: 1 }, value: 1 }, { params: { a: 2 }, value: 2 }]), []);
    assert.deepEqual(paramImportances([1, 2, 3].map((a) => ({ params: { a }, value: 0.5 }))), []);
    const unique = paramImportances([1, 2, 3].map((a) => ({ params: { a: `v${a}` }, value: a })));
    assert.deepEqual(unique, [{ param: 'a', raw: 0, importance: 0 }]);
    // Non-finite errors (a diverged trial) are left out.
    assert.deepEqual(paramImportances([{ params: { a: 1 }, value: Number.NaN }, { params: { a: 1 }, value: 1 }, { params: { a: 2 }, value: 2 }]), []);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestEpochOf, refitEpochs, refitEpochsFromFolds } from '../../src/search/refit-epochs.ts';
import type { StoredTrial } from '../../src/store/metadata/study-store.ts';

function trial(errors: number[]): StoredTrial {
  return {
    study: 's',
    id: 1,
    number: 0,
    params: {},
    state: 'complete',
    startedAt: '2026-11-26T00:00:00Z',
    intermediate: errors.map((value, i) => ({ step: i + 1, value, values: [value, 1, 100] })),
  };
}

describe('refit epochs', () => {
  it('takes the last epoch within 2% of the lowest error', () => {
    assert.equal(bestEpochOf(trial([0.5, 0.3, 0.2, 0.203, 0.25])), 4);
    assert.equal(bestEpochOf(trial([0.5, 0.2, 0.3, 0.4])), 2);
  });

  it('retrains a converged trial for its best epoch, and one cut short or still improving for the most epochs the space allows', () => {
    const limits = (epochs: number) => ({ epochs, maxEpochs: 40, patience: 3 });
    // Ran all its 6 epochs; the curve turned at epoch 3.
    assert.equal(refitEpochs(trial([0.5, 0.3, 0.2, 0.25, 0.26, 0.27]), limits(6)), 3);
    // Stopped early by patience (3 epochs without improvement) before its 30: converged.
    assert.equal(refitEpochs(trial([0.5, 0.3, 0.2, 0.25, 0.26, 0.27]), limits(30)), 3);
    // Cut by its time at epoch 5 of 30, its last epochs wobbling: it never reached its peak.
    assert.equal(refitEpochs(trial([0.5, 0.3, 0.2, 0.21, 0.22]), limits(30)), 40);
    // Ran all its 5 epochs and still improving: the retrain's budget may give it more.
    assert.equal(refitEpochs(trial([0.5, 0.3, 0.2, 0.15, 0.14]), limits(5)), 40);
    // A space overridden beyond its default range never cuts a trial's own epochs.
    assert.equal(refitEpochs(trial([0.5, 0.3, 0.2]), { epochs: 50, maxEpochs: 40, patience: 3 }), 50);
  });

  it('after cross-validation, retrains for the folds\' median best epoch, not fold 0\'s coarse curve', () => {
    const limits = { epochs: 60, maxEpochs: 80, patience: 15 };
    // Fold 0's accuracy on 26 rows was flat from epoch 10: its curve alone says 16 epochs.
    const flat = trial([0.5, 0.4, 0.3, 0.23, ...Array<number>(56).fill(0.27)]);
    assert.equal(refitEpochs(flat, limits), 4);
    assert.equal(refitEpochs(flat, limits, 37), 37);
    // The folds' losses still fell at the last epoch: up to the most epochs the space allows.
    assert.equal(refitEpochs(flat, limits, 60), 80);
    assert.equal(refitEpochsFromFolds(0, limits), 1);
  });
});

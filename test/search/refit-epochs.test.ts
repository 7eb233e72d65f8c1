import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestEpochOf, refitEpochs } from '../../src/search/refit-epochs.ts';
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

  it('retrains a trial that converged for its best epoch, and one still improving at its end for the most epochs the space allows', () => {
    // Converged: the best epoch came before the last.
    assert.equal(refitEpochs(trial([0.5, 0.3, 0.2, 0.25, 0.26]), 30, 40), 3);
    // Cut by its time at epoch 5 of 30 while still improving.
    assert.equal(refitEpochs(trial([0.5, 0.3, 0.2, 0.15, 0.14]), 30, 40), 40);
    // Ran all its 5 epochs and still improving: the retrain's budget may give it more.
    assert.equal(refitEpochs(trial([0.5, 0.3, 0.2, 0.15, 0.14]), 5, 40), 40);
    // A space overridden beyond its default range never cuts a trial's own epochs.
    assert.equal(refitEpochs(trial([0.5, 0.3, 0.2]), 50, 40), 50);
  });
});

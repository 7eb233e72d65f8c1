import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LearningCurve } from '../../src/ui/api-types.ts';
import { trainingHistory } from '../../web/run-curves.ts';

const curve = (key: string, ys: number[], step = 'train'): LearningCurve => ({ step, key, axis: 'epoch', points: ys.map((y, i) => ({ x: i + 1, y })) });

describe('the run page learning curves (web/run-curves.ts)', () => {
  it("reads one model's loss, validation loss and metric per epoch", () => {
    const h = trainingHistory([curve('loss', [1, 0.5]), curve('val_loss', [1.2, 0.7]), curve('val_acc', [0.6, 0.8]), curve('trial_error', [0.3], 'search')])!;
    assert.equal(h.metricName, 'accuracy');
    assert.equal(h.models, undefined);
    assert.deepEqual(h.history, [
      { epoch: 1, loss: 1, valLoss: 1.2, valMetric: 0.6 },
      { epoch: 2, loss: 0.5, valLoss: 0.7, valMetric: 0.8 },
    ]);
  });

  it("shows an ensemble's first model and counts its models", () => {
    const curves = [1, 2, 3].flatMap((k) => [curve(`member${k}/loss`, [k, k / 2]), curve(`member${k}/val_loss`, [k + 1, k]), curve(`member${k}/val_rmse`, [k * 10, k * 5])]);
    const h = trainingHistory(curves)!;
    assert.equal(h.metricName, 'rmse');
    assert.equal(h.models, 3);
    assert.deepEqual(h.history, [
      { epoch: 1, loss: 1, valLoss: 2, valMetric: 10 },
      { epoch: 2, loss: 0.5, valLoss: 1, valMetric: 5 },
    ]);
  });

  it('has nothing to show before the train step logs', () => {
    assert.equal(trainingHistory([curve('trial_error', [0.3], 'search')]), undefined);
  });
});

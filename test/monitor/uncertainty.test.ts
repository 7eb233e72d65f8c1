import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classificationUncertainty, sampleSpread } from '../../src/monitor/uncertainty.ts';

const close = (actual: number, expected: number, what: string): void => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} vs ${expected}`);

describe('uncertainty', () => {
  it('gives entropy in nats, normalised by ln k, and the top-two margin', () => {
    const even = classificationUncertainty([0.5, 0.5]);
    close(even.entropy, Math.LN2, 'entropy of a coin');
    close(even.normalizedEntropy, 1, 'a coin is as unsure as two classes allow');
    close(even.margin, 0, 'margin of a coin');

    const sure = classificationUncertainty([0, 1, 0]);
    assert.deepEqual(sure, { entropy: 0, normalizedEntropy: 0, margin: 1 });

    const p = [0.7, 0.1, 0.2];
    const u = classificationUncertainty(Float32Array.from(p));
    const h = -(0.7 * Math.log(0.7) + 0.1 * Math.log(0.1) + 0.2 * Math.log(0.2));
    assert.ok(Math.abs(u.entropy - h) < 1e-6, `${u.entropy} vs ${h}`); // float32 inputs
    assert.ok(Math.abs(u.normalizedEntropy - h / Math.log(3)) < 1e-6);
    assert.ok(Math.abs(u.margin - 0.5) < 1e-6, 'top 0.7 minus runner-up 0.2');

    const uniform = classificationUncertainty(Array(10).fill(0.1));
    close(uniform.normalizedEntropy, 1, 'uniform over 10');
    assert.deepEqual(classificationUncertainty([1]), { entropy: 0, normalizedEntropy: 0, margin: 1 });
  });

  it('splits the spread of sampled passes into what the data and what the model leaves open', () => {
    const agree = sampleSpread([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], 3, 2, true);
    assert.ok('mutualInformation' in agree);
    close(agree.predictiveEntropy, Math.LN2, 'predictive');
    close(agree.expectedEntropy, Math.LN2, 'expected');
    close(agree.mutualInformation, 0, 'passes that agree know what they do not know');
    close(agree.std, 0, 'std');

    const disagree = sampleSpread([1, 0, 0, 1], 2, 2, true);
    assert.ok('mutualInformation' in disagree);
    close(disagree.predictiveEntropy, Math.LN2, 'predictive');
    close(disagree.expectedEntropy, 0, 'each pass is sure');
    close(disagree.mutualInformation, Math.LN2, 'all of it is the model disagreeing with itself');
    close(disagree.std, 0.5, 'top class probability 1 then 0');

    const value = sampleSpread([1, 3, 2, 6], 4, 1, false);
    assert.deepEqual(value, { samples: 4, mean: 3, std: Math.sqrt((4 + 0 + 1 + 9) / 4) });
    assert.throws(() => sampleSpread([1, 2, 3], 2, 2, true), RangeError);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { didYouMean } from '../../src/extensions/did-you-mean.ts';

describe('didYouMean', () => {
  const keys = ['path', 'format', 'target', 'image', 'classes'];

  it('finds a key one edit away', () => {
    assert.equal(didYouMean('targt', keys), 'target');
    assert.equal(didYouMean('fromat', keys), 'format');
  });

  it('ignores case and separators', () => {
    assert.equal(didYouMean('batch_size', ['epochs', 'batchSize', 'learningRate']), 'batchSize');
    assert.equal(didYouMean('Species', ['sepal_length', 'species']), 'species');
  });

  it('takes a prefix of three or more characters', () => {
    assert.equal(didYouMean('acc', ['accuracy', 'macro-f1', 'rmse']), 'accuracy');
    assert.equal(didYouMean('xy', ['accuracy', 'macro-f1', 'mae']), undefined);
  });

  it('counts a swap of two letters as one edit', () => {
    assert.equal(didYouMean('fromat', ['from', 'format']), 'format');
    assert.equal(didYouMean('sede', ['seed', 'name']), 'seed');
  });

  it('prefers the closest candidate and returns nothing when all are far', () => {
    assert.equal(didYouMean('mea', ['mse', 'mae']), 'mae');
    assert.equal(didYouMean('colour', keys), undefined);
    assert.equal(didYouMean('', keys), undefined);
  });
});

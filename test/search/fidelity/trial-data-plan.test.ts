import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LARGE_DATA, trialDataPlan } from '../../../src/search/fidelity/trial-data-plan.ts';

test('auto: trials see all the data up to 20,000 training examples, and the usual budget shares', () => {
  const plan = trialDataPlan({ train: 20_000, validation: 3_500, setting: 'auto', budgetMs: 600_000 });
  assert.deepEqual(plan, { train: 20_000, validation: 3_500, sampled: false });
});

test('auto above 20,000: trials train on 10,000 and are judged on 5,000; the search takes 20% of the budget, a trial 8%', () => {
  const plan = trialDataPlan({ train: 51_000, validation: 9_000, setting: 'auto', budgetMs: 600_000 });
  assert.equal(plan.sampled, true);
  assert.equal(plan.train, LARGE_DATA.trainExamples);
  assert.equal(plan.validation, 5_000);
  assert.equal(plan.searchMs, 120_000);
  assert.equal(plan.trialMs, 48_000);
  assert.match(plan.reason!, /large data \(51,000 training examples > 20,000\): each trial trains on 10,000 of 51,000 training examples and is judged on 5,000 of 9,000/);
  assert.match(plan.reason!, /the search takes 20% of the budget and the final training, on all of them, the rest/);
  const untimed = trialDataPlan({ train: 51_000, validation: 9_000, setting: 'auto' });
  assert.equal(untimed.searchMs, undefined, 'without a time budget the search runs its trials');
  assert.equal(untimed.trialMs, undefined);
  assert.doesNotMatch(untimed.reason!, /budget/);
});

test('all never samples; a number samples above it and judges on half as many when that exceeds 5,000', () => {
  assert.equal(trialDataPlan({ train: 500_000, validation: 50_000, setting: 'all' }).sampled, false);
  const small = trialDataPlan({ train: 1_000, validation: 200, setting: 300 });
  assert.deepEqual([small.sampled, small.train, small.validation], [true, 300, 200]);
  assert.match(small.reason!, /large data \(1,000 training examples\): each trial trains on 300 of 1,000/);
  const big = trialDataPlan({ train: 100_000, validation: 20_000, setting: 30_000 });
  assert.deepEqual([big.train, big.validation], [30_000, 15_000]);
  assert.equal(trialDataPlan({ train: 300, validation: 100, setting: 300 }).sampled, false, 'no more than the setting: no sample');
});

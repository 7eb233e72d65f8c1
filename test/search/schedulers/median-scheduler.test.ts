import assert from 'node:assert/strict';
import { test } from 'node:test';
import { medianScheduler } from '../../../src/search/schedulers/median-scheduler.ts';
import type { Direction, IntermediateValue, TrialRecord } from '../../../src/search/trial.ts';
import { schedulerConformance } from '../../../src/testing/scheduler-conformance.ts';

const median = (options: object) => () => medianScheduler.create(medianScheduler.optionsSchema.parse(options));
schedulerConformance('median', median({}), { firstStop: 1, horizon: 8 });
schedulerConformance('median, warm-up 3 steps, 2 trials', median({ warmupSteps: 3, minTrials: 2 }), { firstStop: 3, horizon: 8 });

function trial(id: number, state: TrialRecord['state'], curve: number[]): TrialRecord {
  const intermediate: IntermediateValue[] = curve.map((value, step) => ({ step, value }));
  return { id, params: {}, state, intermediate, startedAt: '' };
}

function decide(directions: Direction[], others: TrialRecord[], mine: number[], options: object): boolean {
  const scheduler = medianScheduler.create(medianScheduler.optionsSchema.parse(options));
  const me = trial(99, 'running', mine);
  const step = mine.length - 1;
  return scheduler.shouldStop({ trial: me, step, values: [mine[step]], trials: [...others, me], directions });
}

test('median rule on a hand-worked example (warmupSteps 1, minTrials 2, minimize)', () => {
  // T1: 1.0 0.8 0.6    T2: 0.9 0.7 0.5    T3 reports 5.0, 0.75, 0.9:
  //   step 0: 5.0  inside warm-up                              → continue
  //   step 1: best 0.75 vs median(0.8, 0.7) = 0.75, not worse  → continue
  //   step 2: best 0.75 vs median(0.6, 0.5) = 0.55, worse      → stop
  //   step 3: nobody else reported step 3 (0 < minTrials)     → continue
  const others = [trial(1, 'complete', [1.0, 0.8, 0.6]), trial(2, 'complete', [0.9, 0.7, 0.5])];
  const options = { warmupSteps: 1, minTrials: 2 };
  assert.equal(decide(['minimize'], others, [5.0], options), false);
  assert.equal(decide(['minimize'], others, [5.0, 0.75], options), false);
  assert.equal(decide(['minimize'], others, [5.0, 0.75, 0.9], options), true);
  assert.equal(decide(['minimize'], others, [5.0, 0.75, 0.9, 0.1], options), false);
  // Best so far, not the latest: a trial that was good once is compared by that value.
  assert.equal(decide(['minimize'], others, [5.0, 0.5, 0.9], options), false);
  // With only one other trial at the step, minTrials 2 keeps the rule off.
  assert.equal(decide(['minimize'], others.slice(0, 1), [5.0, 0.75, 0.9], options), false);
  // Failed trials do not count; pruned ones do.
  assert.equal(decide(['minimize'], [others[0], { ...others[1], state: 'failed' }], [5, 0.75, 0.9], options), false);
  assert.equal(decide(['minimize'], [others[0], { ...others[1], state: 'pruned' }], [5, 0.75, 0.9], options), true);
});

test('median rule when maximising: stop when the best so far is below the median', () => {
  const others = [trial(1, 'complete', [0.1, 0.5]), trial(2, 'running', [0.2, 0.7])];
  assert.equal(decide(['maximize'], others, [0.3, 0.55], { warmupSteps: 0, minTrials: 2 }), true);
  assert.equal(decide(['maximize'], others, [0.3, 0.6], { warmupSteps: 0, minTrials: 2 }), false);
});

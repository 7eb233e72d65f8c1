import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ashaRungs, ashaScheduler } from '../../../src/search/schedulers/asha-scheduler.ts';
import { createSchedulerRegistry } from '../../../src/search/schedulers/scheduler-registry.ts';
import type { Scheduler } from '../../../src/search/schedulers/scheduler.ts';
import type { Direction, IntermediateValue, TrialRecord } from '../../../src/search/trial.ts';
import { schedulerConformance } from '../../../src/testing/scheduler-conformance.ts';

const asha = (options: object) => () => ashaScheduler.create(ashaScheduler.optionsSchema.parse(options));
schedulerConformance('asha', asha({ maxResource: 9 }), { firstStop: 1, horizon: 9 });
schedulerConformance('asha η=2, from resource 2', asha({ minResource: 2, maxResource: 20, reductionFactor: 2 }), { firstStop: 2, horizon: 20 });
schedulerConformance('asha ranking on objective 0', asha({ minResource: 3, maxResource: 27, rankOn: [0] }), { firstStop: 3, horizon: 12 });

type Event = [trial: number, step: number, values: number[]];

/** Replays reports in order, as a study would: record, ask the scheduler, prune on stop. */
function replay(scheduler: Scheduler, directions: Direction[], events: Event[]): boolean[] {
  const trials = new Map<number, { id: number; params: {}; state: TrialRecord['state']; intermediate: IntermediateValue[]; startedAt: string }>();
  return events.map(([id, step, values]) => {
    const t = trials.get(id) ?? { id, params: {}, state: 'running' as const, intermediate: [], startedAt: '' };
    trials.set(id, t);
    assert.equal(t.state, 'running', `trial ${id} reported after being stopped`);
    t.intermediate.push(values.length > 1 ? { step, value: values[0], values } : { step, value: values[0] });
    const stop = scheduler.shouldStop({ trial: t, step, values, trials: [...trials.values()], directions });
    if (stop) t.state = 'pruned';
    return stop;
  });
}

test('ASHA rungs are minResource·η^k below maxResource', () => {
  assert.deepEqual(ashaRungs({ minResource: 1, maxResource: 27, reductionFactor: 3 }), [1, 3, 9]);
  assert.deepEqual(ashaRungs({ minResource: 2, maxResource: 20, reductionFactor: 2 }), [2, 4, 8, 16]);
});

test('ASHA promotions match a hand-worked example (η = 3, rungs 1 and 3, max 9, minimize)', () => {
  // n = values recorded at the rung so far (this one included); keep = max(1, ⌊n/3⌋);
  // a trial continues iff fewer than `keep` recorded values are strictly better than its own.
  //  #  report            rung-1 values so far          n keep better  decision
  //  1  T1 step 1: 0.5    .5                            1  1    0      continue
  //  2  T2 step 1: 0.7    .5 .7                         2  1    1      stop
  //  3  T3 step 1: 0.3    .5 .7 .3                      3  1    0      continue
  //  4  T4 step 1: 0.4    .5 .7 .3 .4                   4  1    1      stop
  //  5  T1 step 2: 0.45   (not a rung)                                 continue
  //  6  T1 step 3: 0.42   rung 3: .42                   1  1    0      continue
  //  7  T5 step 1: 0.1    .5 .7 .3 .4 .1                5  1    0      continue
  //  8  T6 step 1: 0.35   + .35                         6  2    2      stop   (.3, .1 better)
  //  9  T7 step 1: 0.2    + .2                          7  2    1      continue (.1 better)
  // 10  T3 step 3: 0.5    rung 3: .42 .5                2  1    1      stop
  // 11  T5 step 3: 0.05   rung 3: .42 .5 .05            3  1    0      continue
  // 12  T5 step 9: 0.01   max resource: no decision                    continue
  // 13  T8 step 2: 0.9    first report past rung 1: 8 values, keep 2, 7 better → stop
  // 14  T7 step 3: 0.3    rung 3: .42 .5 .05 .3         4  1    1      stop
  const scheduler = ashaScheduler.create(ashaScheduler.optionsSchema.parse({ minResource: 1, maxResource: 9 }));
  const events: Event[] = [
    [1, 1, [0.5]],
    [2, 1, [0.7]],
    [3, 1, [0.3]],
    [4, 1, [0.4]],
    [1, 2, [0.45]],
    [1, 3, [0.42]],
    [5, 1, [0.1]],
    [6, 1, [0.35]],
    [7, 1, [0.2]],
    [3, 3, [0.5]],
    [5, 3, [0.05]],
    [5, 9, [0.01]],
    [8, 2, [0.9]],
    [7, 3, [0.3]],
  ];
  const expected = [false, true, false, true, false, false, false, true, false, true, false, false, true, true];
  assert.deepEqual(replay(scheduler, ['minimize'], events), expected);
  // Maximising the negated values must give the same decisions.
  const negated = events.map(([t, s, v]) => [t, s, v.map((x) => -x)] as Event);
  assert.deepEqual(replay(scheduler, ['maximize'], negated), expected);
});

test('ASHA with several objectives promotes by Pareto rank, then crowding distance', () => {
  // Both minimised; one rung at resource 1 (η = 3, max 9).
  //  A (1,5): n=1 keep 1                                  → continue
  //  B (5,1): n=2 keep 1; A and B are both on front 0 and both extremes (crowding ∞): nobody is
  //           strictly ahead → continue. By objective 0 alone B would stop (A's 1 < 5).
  //  C (6,6): dominated by A and B: 2 ahead                → stop
  //  D (3,3): n=4 keep 1; front 0 = A, B, D; D's crowding is finite, A and B's infinite → 2 ahead → stop
  //  F (0.5,0.5): dominates everyone: 0 ahead              → continue
  const scheduler = ashaScheduler.create(ashaScheduler.optionsSchema.parse({ minResource: 1, maxResource: 9 }));
  const events: Event[] = [
    [1, 1, [1, 5]],
    [2, 1, [5, 1]],
    [3, 1, [6, 6]],
    [4, 1, [3, 3]],
    [5, 1, [0.5, 0.5]],
  ];
  assert.deepEqual(replay(scheduler, ['minimize', 'minimize'], events), [false, false, true, true, false]);
  const firstObjectiveOnly = events.map(([t, s, v]) => [t, s, [v[0]]] as Event);
  assert.deepEqual(replay(scheduler, ['minimize'], firstObjectiveOnly), [false, true, true, true, false]);
});

test('scheduler registry holds asha and median, and validates options', () => {
  const registry = createSchedulerRegistry();
  assert.deepEqual(registry.keys().sort(), ['asha', 'median']);
  assert.throws(() => registry.get('ashaa'), /did you mean `asha`/);
  assert.equal(registry.get('asha').optionsSchema.safeParse({ maxResource: 9, reductionFactor: 1 }).success, false);
  assert.equal(registry.get('asha').optionsSchema.safeParse({ minResource: 10, maxResource: 9 }).success, false);
  assert.equal(registry.get('median').optionsSchema.safeParse({ minTrials: 0 }).success, false);
});

test('ASHA with rankOn ranks only the named objectives: a tiny but inaccurate model is not kept for its size', () => {
  const events: Event[] = [
    // [error, params]: T1 accurate and big, T2 inaccurate and tiny, T3 in between on both.
    [1, 1, [0.2, 1000]],
    [2, 1, [0.8, 10]],
    [3, 1, [0.5, 500]],
  ];
  const directions: Direction[] = ['minimize', 'minimize'];
  const byError = ashaScheduler.create(ashaScheduler.optionsSchema.parse({ minResource: 1, maxResource: 9, rankOn: [0] }));
  // n = 3, keep 1: by error only T1 may continue.
  assert.deepEqual(replay(byError, directions, events), [false, true, true]);
  // On both objectives T2 is non-dominated (smallest), so it stays with T1; T3 is dominated by neither but crowded out.
  const both = ashaScheduler.create(ashaScheduler.optionsSchema.parse({ minResource: 1, maxResource: 9 }));
  assert.equal(replay(both, directions, events)[1], false, 'Pareto rank keeps the tiny model');
});

test('ASHA refuses a rankOn index the study does not have', () => {
  const scheduler = ashaScheduler.create(ashaScheduler.optionsSchema.parse({ minResource: 1, maxResource: 9, rankOn: [2] }));
  assert.throws(() => replay(scheduler, ['minimize', 'minimize'], [[1, 1, [0.1, 2]]]), /rankOn \[2\] names an objective the study does not have \(it has 2\)/);
});

test('ASHA ranks a diverged trial last at its rung, but counts it in the rung size', () => {
  // Objectives (error, latency), both minimised, η = 3, one rung at resource 1. T1 diverged: the
  // study stopped it at its NaN error, and stores keep the NaN — next to its finite, tiny latency.
  const scheduler = ashaScheduler.create(ashaScheduler.optionsSchema.parse({ minResource: 1, maxResource: 9 }));
  const directions: Direction[] = ['minimize', 'minimize'];
  // Ranked as is, NaN ties on error, so T1 with its latency 0.01 would dominate T2 and T3, and both would stop.
  const diverged: Event = [1, 1, [Number.NaN, 0.01]];
  assert.deepEqual(replay(scheduler, directions, [diverged, [2, 1, [0.1, 2]], [3, 1, [0.2, 0.5]]]), [false, false, false]);
  // -Infinity is no better: T2 alone with it at the rung continues.
  assert.deepEqual(replay(scheduler, ['minimize'], [[1, 1, [-Infinity]], [2, 1, [0.4]]]), [false, false]);
  // The diverged trial still counts: with it, 6 recorded at the rung keep 2, so a second-best continues.
  const six: Event[] = [[1, 1, [Number.NaN]], [2, 1, [0.1]], [3, 1, [0.5]], [4, 1, [0.6]], [5, 1, [0.7]], [6, 1, [0.2]]];
  assert.deepEqual(replay(scheduler, ['minimize'], six), [false, false, true, true, true, false]);
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LocalProcessExecutor } from '../../../src/search/executors/local-process-executor.ts';
import { runTrials } from '../../../src/search/executors/run-study-trials.ts';
import { randomSampler } from '../../../src/search/samplers/random-sampler.ts';
import { ashaScheduler } from '../../../src/search/schedulers/asha-scheduler.ts';
import type { SearchSpace } from '../../../src/search/space.ts';
import { createStudy } from '../../../src/search/study.ts';
import { SqliteStudyStore } from '../../../src/store/metadata/sqlite-study-store.ts';
import { writeTinyDataset } from './fixtures/write-tiny-dataset.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'deepline-run-trials-'));
let data: { train: string; validation: string };
let executor: LocalProcessExecutor;
let store: SqliteStudyStore;

before(async () => {
  data = await writeTinyDataset(path.join(dir, 'data'));
  executor = new LocalProcessExecutor({ workers: 2 });
  store = new SqliteStudyStore(path.join(dir, 'study.db'));
});
after(async () => {
  await executor?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const space: SearchSpace = {
  params: [
    { name: 'units', kind: 'int', low: 2, high: 32 },
    { name: 'layers', kind: 'int', low: 1, high: 2 },
    { name: 'learningRate', kind: 'float', low: 1e-3, high: 1e-1, log: true },
  ],
};
const EPOCHS = 8;

function mlpParams(units: number, layers: number): number {
  // 4 inputs, `layers` hidden layers of `units`, 2 classes; every dense layer has a bias.
  let count = 4 * units + units;
  for (let i = 1; i < layers; i++) count += units * units + units;
  return count + units * 2 + 2;
}

test('runTrials keeps two workers busy and records every trial complete or pruned', { timeout: 40_000 }, async (t) => {
  const study = await createStudy({
    store,
    name: 'mlp-search',
    space,
    sampler: randomSampler.create({}),
    scheduler: ashaScheduler.create({ minResource: 2, maxResource: EPOCHS, reductionFactor: 2 }),
    objectives: [
      { name: 'error', direction: 'minimize' },
      { name: 'params', direction: 'minimize' },
    ],
    seed: 11,
  });
  const summary = await runTrials({
    study,
    executor,
    maxTrials: 6,
    jobFor: ({ trialId, params }) => ({
      genome: { family: 'mlp', hidden: Array(params.layers as number).fill(params.units), dropout: 0, batchNorm: false, activation: 'relu' },
      training: { epochs: EPOCHS, batchSize: 16, learningRate: params.learningRate as number, patience: EPOCHS },
      data,
      seed: trialId,
      engine: 'cpu',
    }),
    toValues: ([error, , params]) => [error, params],
  });

  t.diagnostic(`summary ${JSON.stringify(summary)}`);
  const trials = await study.trials();
  assert.equal(trials.length, 6);
  assert.deepEqual(summary, { started: 6, complete: summary.complete, pruned: summary.pruned, failed: 0, rejected: 0 });
  assert.equal(summary.complete + summary.pruned, 6);
  for (const trial of trials) {
    assert.ok(trial.state === 'complete' || trial.state === 'pruned', `trial ${trial.id} is ${trial.state}: ${trial.error}`);
    const steps = trial.intermediate!.map((v) => v.step);
    assert.deepEqual(steps, steps.map((_, i) => i + 1), 'one report per epoch, in order');
    const expectedParams = mlpParams(trial.params.units as number, trial.params.layers as number);
    assert.equal(trial.values![1], expectedParams, 'the measured parameter count reached the study');
    assert.ok(trial.values![0] >= 0 && trial.values![0] <= 1);
    if (trial.state === 'complete') assert.equal(steps.length, EPOCHS);
    // A pruned trial's reports end where the scheduler stopped it.
    else assert.ok(steps.length < EPOCHS, `pruned trial ${trial.id} reported ${steps.length} epochs`);
  }
  assert.equal(summary.complete, trials.filter((t) => t.state === 'complete').length);
});

test('after the deadline no trial starts and running ones stop at their next epoch, told complete with their best epoch', { timeout: 30_000 }, async () => {
  const study = await createStudy({
    store,
    name: 'deadline',
    space,
    sampler: randomSampler.create({}),
    objectives: [{ name: 'error', direction: 'minimize' }],
    seed: 3,
  });
  let clock = 0;
  const summary = await runTrials({
    study,
    executor,
    maxTrials: 10,
    deadline: 1,
    // The clock passes the deadline at the first epoch report, so both first trials must stop there.
    now: () => clock,
    jobFor: ({ trialId, params }) => {
      return {
        genome: { family: 'mlp', hidden: [params.units as number], dropout: 0, batchNorm: false, activation: 'relu' },
        training: { epochs: 200, batchSize: 16, learningRate: 0.01, patience: 200 },
        data,
        seed: trialId,
        engine: 'cpu',
      };
    },
    toValues: (v) => {
      clock = 1;
      return [v[0]];
    },
  });
  const trials = await study.trials();
  assert.equal(trials.length, 2, 'only the trials started before the deadline ran');
  assert.deepEqual(summary, { started: 2, complete: 2, pruned: 0, failed: 0, rejected: 0 });
  for (const trial of trials) {
    assert.equal(trial.state, 'complete');
    assert.deepEqual(trial.intermediate!.map((v) => v.step), [1]);
    assert.deepEqual(trial.values, trial.intermediate![0].values ?? [trial.intermediate![0].value]);
  }
});

test('a trial whose progress the study refuses is stopped and recorded as failed', { timeout: 30_000 }, async () => {
  const study = await createStudy({
    store,
    name: 'refused',
    space,
    sampler: randomSampler.create({}),
    objectives: [{ name: 'error', direction: 'minimize' }],
    seed: 5,
  });
  const summary = await runTrials({
    study,
    executor,
    maxTrials: 2,
    jobFor: ({ trialId }) => ({
      genome: { family: 'mlp', hidden: [4], dropout: 0, batchNorm: false, activation: 'relu' },
      // Long enough that the test times out unless the refusal stops the trial.
      training: { epochs: 5_000, batchSize: 16, learningRate: 0.01, patience: 5_000 },
      data,
      seed: trialId,
      engine: 'cpu',
    }),
    // Two values for a one-objective study: study.report throws.
    toValues: (v) => [v[0], v[1]],
  });
  assert.deepEqual(summary, { started: 2, complete: 0, pruned: 0, failed: 2, rejected: 0 });
  for (const trial of await study.trials()) {
    assert.equal(trial.state, 'failed');
    assert.match(trial.error!, /recording its progress failed: .*1 objectives/);
    assert.equal(trial.intermediate, undefined);
  }
});

test('a model too slow for its trial time is told pruned (infeasible); one too slow for the time the deadline left is told failed', { timeout: 40_000 }, async () => {
  const job = (trialId: number, timeBudgetMs: number, minEpochs: number) => ({
    genome: { family: 'mlp', hidden: [8], dropout: 0, batchNorm: false, activation: 'relu' },
    training: { epochs: 20, batchSize: 16, learningRate: 0.01, patience: 20 },
    data,
    seed: trialId,
    engine: 'cpu' as const,
    timeBudgetMs,
    minEpochs,
  });
  const make = (name: string) => createStudy({ store, name, space, sampler: randomSampler.create({}), objectives: [{ name: 'error', direction: 'minimize' }], seed: 9 });

  // The trial's own cap (1 ms) is what it cannot fit; the deadline is far away.
  const capped = await make('too-slow-cap');
  const first = await runTrials({ study: capped, executor, maxTrials: 3, deadline: Date.now() + 60_000, jobFor: ({ trialId }) => job(trialId, 1, 1) });
  assert.deepEqual(first, { started: 3, complete: 0, pruned: 0, failed: 0, rejected: 3 });
  for (const trial of await capped.trials()) {
    assert.equal(trial.state, 'pruned', 'infeasible: samplers rank it below every trained trial');
    assert.match(trial.error!, /^rejected: too slow for its time: about [\d.]+ s per epoch, so 1 epoch\(s\) would overrun the trial's 0 s$/);
  }

  // The deadline leaves each trial all the time there is, and 10,000 epochs do not fit in it.
  const late = await make('too-slow-deadline');
  const deadline = Date.now() + 20_000;
  const second = await runTrials({ study: late, executor, maxTrials: 3, deadline, jobFor: ({ trialId }) => job(trialId, deadline - Date.now(), 10_000) });
  assert.deepEqual(second, { started: 3, complete: 0, pruned: 0, failed: 0, rejected: 3 });
  for (const trial of await late.trials()) {
    assert.equal(trial.state, 'failed', 'not the model but the clock: samplers ignore it');
    assert.match(trial.error!, /^rejected: the search had \d+ s left, too little for its first epochs \(too slow for its time/);
  }
});

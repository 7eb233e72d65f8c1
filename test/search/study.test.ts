import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { SeededRandom } from '../../src/seed/seeded-random.ts';
import { ashaScheduler } from '../../src/search/schedulers/asha-scheduler.ts';
import { medianScheduler } from '../../src/search/schedulers/median-scheduler.ts';
import { createStudy, loadStudy } from '../../src/search/study.ts';
import type { TrialRecord } from '../../src/search/trial.ts';
import { SqliteStudyStore } from '../../src/store/metadata/sqlite-study-store.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'deepline-study-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Space = { x: [number, number] };
const space: Space = { x: [-2, 2] };
/** A trivial sampler, independent of the real ones: uniform x; it keeps the history it saw. */
const seen: number[] = [];
let lastHistory: readonly TrialRecord[] = [];
const sampler = {
  sample(s: Space, history: readonly TrialRecord[], rng: SeededRandom) {
    seen.push(history.length);
    lastHistory = history;
    return { x: s.x[0] + (s.x[1] - s.x[0]) * rng.next() };
  },
};
let n = 0;
const freshStore = () => new SqliteStudyStore(path.join(dir, `s${n++}.db`));

test('ask / report / tell are recorded, best() and trials() read them back', async () => {
  const store = freshStore();
  const study = await createStudy({ store, name: 'quad', space, sampler, objectives: [{ name: 'loss', direction: 'minimize' }], seed: 1 });
  const losses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const { trialId, params } = await study.ask();
    const x = params.x as number;
    assert.deepEqual(await study.report(trialId, 1, (x - 0.5) ** 2 + 1), { stop: false });
    losses.push((x - 0.5) ** 2);
    await study.tell(trialId, (x - 0.5) ** 2);
  }
  const trials = await study.trials();
  assert.equal(trials.length, 5);
  assert.ok(trials.every((t) => t.state === 'complete' && t.endedAt && t.intermediate?.length === 1));
  assert.deepEqual(seen.slice(-5), [0, 1, 2, 3, 4]);
  assert.equal((await study.best())!.value, Math.min(...losses));
  await assert.rejects(study.tell(trials[0].id, 1), /already complete/);
  const extra = await study.ask();
  await assert.rejects(study.tell(extra.trialId, [1, 2]), /1 objectives/);
  await assert.rejects(createStudy({ store, name: 'quad', space, sampler, objectives: [{ name: 'l', direction: 'minimize' }], seed: 1 }), /already exists/);
  await store.close();
});

test('the same seed gives the same parameters; the rng depends on (seed, trial number)', async () => {
  const draw = async (seed: number) => {
    const store = freshStore();
    const study = await createStudy({ store, name: 's', space, sampler, objectives: [{ name: 'l', direction: 'minimize' }], seed });
    const xs: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const { trialId, params } = await study.ask();
      xs.push(params.x);
      await study.tell(trialId, 0);
    }
    await store.close();
    return xs;
  };
  const a = await draw(3);
  assert.deepEqual(await draw(3), a);
  assert.notDeepEqual(await draw(4), a);
  assert.equal(new Set(a).size, 3);
});

test('report asks the scheduler; a pruned trial keeps its last intermediate value', async () => {
  const store = freshStore();
  const scheduler = medianScheduler.create({ warmupSteps: 0, minTrials: 1 });
  const study = await createStudy({ store, name: 'm', space, sampler, scheduler, objectives: [{ name: 'l', direction: 'minimize' }], seed: 1 });
  const a = await study.ask();
  assert.deepEqual(await study.report(a.trialId, 0, 1), { stop: false });
  await study.tell(a.trialId, 1);
  const b = await study.ask();
  assert.deepEqual(await study.report(b.trialId, 0, 3), { stop: true });
  const pruned = await study.tell(b.trialId, { state: 'pruned' });
  assert.equal(pruned.state, 'pruned');
  assert.equal(pruned.value, 3);
  const c = await study.ask();
  await assert.rejects(study.report(c.trialId, 0, 0.5).then(() => study.report(c.trialId, 0, 0.4)), /steps must increase/);
  assert.deepEqual(await study.report(c.trialId, 1, Number.NaN), { stop: true });
  const failed = await study.tell(c.trialId, Number.NaN);
  assert.equal(failed.state, 'failed');
  assert.equal((await study.best())!.id, a.trialId);
  await store.close();
});

test('multi-objective: Pareto front, best by preference, ASHA accepted and median refused', async () => {
  const store = freshStore();
  const objectives = [
    { name: 'accuracy', direction: 'maximize' as const },
    { name: 'latencyMs', direction: 'minimize' as const },
  ];
  const scheduler = ashaScheduler.create({ minResource: 1, maxResource: 9, reductionFactor: 3 });
  const study = await createStudy({ store, name: 'mo', space, sampler, scheduler, objectives, seed: 1, preference: { kind: 'lexicographic', order: [1, 0] } });
  const results = [
    [0.9, 30],
    [0.95, 80],
    [0.8, 40], // dominated by the first
    [0.7, 5],
  ];
  const ids: number[] = [];
  for (const r of results) {
    const { trialId } = await study.ask();
    ids.push(trialId);
    await study.report(trialId, 1, r);
    await study.tell(trialId, r);
  }
  await study.ask();
  // Samplers minimise: the maximised accuracy reaches them negated, latency unchanged.
  assert.deepEqual(lastHistory[0].values, [-0.9, 30]);
  assert.equal(lastHistory[0].value, -0.9);
  assert.deepEqual(lastHistory[0].intermediate, [{ step: 1, value: -0.9, values: [-0.9, 30] }]);
  const front = (await study.paretoFront()).map((t) => t.id);
  assert.deepEqual(front, [ids[0], ids[1], ids[3]]);
  assert.equal((await study.best())!.id, ids[3]);
  const stored = (await study.trials())[0];
  assert.deepEqual(stored.values, [0.9, 30]);
  assert.deepEqual(stored.intermediate, [{ step: 1, value: 0.9, values: [0.9, 30] }]);
  await assert.rejects(
    loadStudy({ store, name: 'mo', space, sampler, scheduler: medianScheduler.create({ warmupSteps: 0, minTrials: 1 }) }),
    /ranks one objective/,
  );
  await store.close();
});

test('loadStudy marks running trials interrupted and ask() re-runs their parameters first', async () => {
  const file = path.join(dir, 'resume.db');
  const store = new SqliteStudyStore(file);
  const study = await createStudy({ store, name: 'r', space, sampler, objectives: [{ name: 'l', direction: 'minimize' }], seed: 9 });
  const done = await study.ask();
  await study.tell(done.trialId, 0.25);
  const lost = await study.ask();
  await study.report(lost.trialId, 1, 0.7);
  await store.close(); // the process "dies" with `lost` running

  const store2 = new SqliteStudyStore(file);
  const resumed = await loadStudy({ store: store2, name: 'r', space, sampler });
  const before = await resumed.trials();
  assert.equal(before[0].state, 'complete');
  assert.equal(before[1].state, 'failed');
  assert.equal(before[1].interrupted, true);
  // Asked concurrently, the re-queued parameters still go out exactly once, and first.
  const [again, next] = await Promise.all([resumed.ask(), resumed.ask()]);
  assert.deepEqual(again.params, lost.params);
  assert.notDeepEqual(next.params, lost.params);
  const after = await resumed.trials();
  assert.equal(after[2].retryOf, lost.trialId);
  assert.equal(after[3].retryOf, undefined);
  await store2.close();
});

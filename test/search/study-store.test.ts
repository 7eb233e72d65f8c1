import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStudyStore } from '../../src/store/metadata/sqlite-study-store.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'deepline-study-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('SqliteStudyStore: numbering, one running → final transition, one report per step, frozen records', async () => {
  const file = path.join(dir, 'a.db');
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const store = new SqliteStudyStore(file, { now: () => new Date((clock += 1000)) });
  await store.createStudy({ name: 'a', objectives: [{ name: 'l', direction: 'minimize' }, { name: 'ms', direction: 'minimize' }], seed: 5 });
  await store.createStudy({ name: 'b', objectives: [{ name: 'l', direction: 'maximize' }], seed: 6 });
  await assert.rejects(store.createStudy({ name: 'a', objectives: [], seed: 1 }), /already exists/);
  const t0 = await store.addTrial('a', { params: { lr: 0.1, opt: 'adam' } });
  const u0 = await store.addTrial('b', { params: {} });
  const t1 = await store.addTrial('a', { params: { lr: 0.2, opt: 'sgd' } });
  assert.deepEqual([t0.number, t1.number, u0.number], [0, 1, 0]);
  assert.equal(t0.state, 'running');
  assert.equal(t0.startedAt, '2026-01-01T00:00:03.000Z');
  await assert.rejects(store.addTrial('nope', { params: {} }), /no study named "nope"/);

  await store.appendIntermediate(t0.id, 1, [0.5, Number.NaN]);
  await assert.rejects(store.appendIntermediate(t0.id, 1, [0.4, 3]), /already reported step 1/);
  await store.appendIntermediate(t0.id, 2, [0.4, 3]);
  const done = await store.updateTrial(t0.id, { state: 'complete', values: [0.4, 3] });
  assert.equal(done.value, 0.4);
  assert.ok(Object.isFrozen(done) && Object.isFrozen(done.values));
  await assert.rejects(store.updateTrial(t0.id, { state: 'failed' }), /already complete/);
  await assert.rejects(store.appendIntermediate(t0.id, 3, [0, 0]), /only a running trial/);
  await store.updateTrial(t1.id, { state: 'failed', interrupted: true, error: 'killed' });
  await store.addTrial('a', { params: t1.params, retryOf: t1.id });
  // An interrupted trial may be re-run only once, even by a second process.
  await assert.rejects(store.addTrial('a', { params: t1.params, retryOf: t1.id }), /UNIQUE/);
  await store.close();

  const reopened = new SqliteStudyStore(file);
  const trials = await reopened.listTrials('a');
  assert.deepEqual(
    trials.map((t) => [t.number, t.state, t.retryOf ?? null, t.interrupted ?? false]),
    [
      [0, 'complete', null, false],
      [1, 'failed', null, true],
      [2, 'running', t1.id, false],
    ],
  );
  assert.deepEqual(trials[0].params, { lr: 0.1, opt: 'adam' });
  assert.equal(trials[0].intermediate?.length, 2);
  assert.ok(Number.isNaN(trials[0].intermediate![0].values![1]), 'NaN survives the round trip');
  assert.equal((await reopened.getStudy('b'))?.objectives[0].direction, 'maximize');
  assert.equal(await reopened.getStudy('c'), undefined);
  await reopened.close();
});

test('SqliteStudyStore: trials rejected before rejected_for existed get it from their recorded reason, once', async () => {
  const file = path.join(dir, 'old-rejections.db');
  const store = new SqliteStudyStore(file);
  await store.createStudy({ name: 's', objectives: [{ name: 'error', direction: 'minimize' }], seed: 1 });
  const outcomes = [
    { state: 'pruned', error: 'rejected: 1.2 ms per prediction exceeds maxLatencyMs 1' },
    { state: 'pruned', error: 'rejected: too slow for its time: about 40.0 s per epoch, so 1 epoch(s) would overrun the trial\'s 30 s' },
    { state: 'failed', error: 'rejected: the search had 12 s left, too little for its first epochs (too slow for its time: …)' },
    { state: 'failed', error: 'worker died: too slow to answer' },
    { state: 'complete', values: [0.1] },
  ] as const;
  for (const outcome of outcomes) await store.updateTrial((await store.addTrial('s', { params: {} })).id, outcome);
  await store.close();
  // The file as the previous deepline left it: study schema version 1, no rejected_for column.
  const db = new Database(file);
  db.exec('ALTER TABLE study_trials DROP COLUMN rejected_for; UPDATE study_schema_version SET version = 1;');
  db.close();

  const reopened = new SqliteStudyStore(file);
  const trials = await reopened.listTrials('s');
  assert.deepEqual(trials.map((t) => t.rejectedFor ?? null), ['constraint', 'time', 'time', null, null]);
  await reopened.close();
});

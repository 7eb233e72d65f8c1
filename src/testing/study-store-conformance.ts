import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeeplineError } from '../errors/index.ts';
import type { StoredTrial, StudyStore } from '../store/metadata/study-store.ts';
import type { StoreFixture } from './store-fixture.ts';

/** A study store on fresh storage, plus a second handle on it, as a second process would open. */
export interface StudyStoreFixture extends StoreFixture<StudyStore> {
  /** Opens another handle on the same storage while `store` stays open; `dispose` closes it. */
  share(): Promise<StudyStore>;
}

const OBJECTIVES = [
  { name: 'error', direction: 'minimize' },
  { name: 'accuracy', direction: 'maximize' },
] as const;
/** Every kind of value a search space produces, a categorical choice object included. */
const PARAMS = { lr: 1e-5, dropout: 0.1, batch: 64, optimizer: { name: 'rmsprop', rho: 0.9 }, residual: false, activation: 'gelu' };

/**
 * The contract every StudyStore must meet (see study-store.ts): frozen records, trials numbered
 * per study in creation order, the single running → final transition, one intermediate value per
 * step, non-finite values kept, a trial retried at most once, durability across reopen, and two
 * handles on one storage that never hand out the same number or both finish one trial.
 */
export function studyStoreConformance(label: string, factory: () => Promise<StudyStoreFixture>): void {
  const withStore = async (fn: (store: StudyStore, fixture: StudyStoreFixture) => Promise<void>) => {
    const fixture = await factory();
    try {
      await fn(fixture.store, fixture);
    } finally {
      await fixture.dispose();
    }
  };
  const isStoreError = (e: unknown) => e instanceof DeeplineError && e.code === 'DL_STORE';
  const study = (store: StudyStore, name = 'study') => store.createStudy({ name, objectives: OBJECTIVES, seed: 7 });
  const assertFrozen = (value: unknown, where: string): void => {
    if (typeof value !== 'object' || value === null) return;
    assert.ok(Object.isFrozen(value), `${where} must be frozen`);
    for (const [k, v] of Object.entries(value)) assertFrozen(v, `${where}.${k}`);
  };
  const isoTime = (s: string | undefined) => s !== undefined && !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s;

  describe(`StudyStore conformance: ${label}`, () => {
    it('creates a study and returns it frozen, equal to what getStudy returns', () =>
      withStore(async (store) => {
        const name = 'digits "mlp" / é';
        const record = await store.createStudy({ name, objectives: OBJECTIVES, seed: 2 ** 32 - 1 });
        assert.equal(record.name, name);
        assert.deepEqual(record.objectives, OBJECTIVES);
        assert.equal(record.seed, 2 ** 32 - 1);
        assert.ok(isoTime(record.createdAt), `createdAt ${record.createdAt} is an ISO time`);
        assertFrozen(record, 'study');
        assert.throws(() => {
          (record as { seed: number }).seed = 1;
        }, TypeError);
        assert.deepEqual(await store.getStudy(name), record);
        assert.equal(await store.getStudy('digits'), undefined);
      }));

    it('refuses a second study with the same name and keeps the first', () =>
      withStore(async (store) => {
        const first = await study(store);
        await assert.rejects(store.createStudy({ name: 'study', objectives: [{ name: 'x', direction: 'maximize' }], seed: 1 }), isStoreError);
        assert.deepEqual(await store.getStudy('study'), first);
      }));

    it('adds running trials numbered from 0 in each study, storing a copy of the params', () =>
      withStore(async (store) => {
        await study(store, 'a');
        await study(store, 'b');
        const params = structuredClone(PARAMS);
        const a0 = await store.addTrial('a', { params });
        params.optimizer.rho = 0.5;
        params.lr = 1;
        const b0 = await store.addTrial('b', { params: {} });
        const a1 = await store.addTrial('a', { params: { lr: 0.2 } });
        assert.deepEqual([a0.number, a1.number, b0.number], [0, 1, 0]);
        assert.equal(new Set([a0.id, a1.id, b0.id]).size, 3, 'trial ids are unique across studies');
        assert.deepEqual(a0.params, PARAMS);
        assert.deepEqual([a0.study, b0.study], ['a', 'b']);
        assert.equal(a0.state, 'running');
        assert.ok(isoTime(a0.startedAt), `startedAt ${a0.startedAt} is an ISO time`);
        for (const key of ['value', 'values', 'endedAt', 'error', 'retryOf', 'interrupted'] as const) assert.equal(a0[key], undefined, key);
        assert.equal(a0.intermediate?.length ?? 0, 0);
        assertFrozen(a0, 'trial');
        assert.deepEqual((await store.listTrials('a'))[0].params, PARAMS, 'a later change to the caller\'s params does not reach the store');
        await assert.rejects(store.addTrial('c', { params: {} }), isStoreError);
      }));

    it('ends a running trial once: complete, pruned or failed, and then never changes', () =>
      withStore(async (store) => {
        await study(store);
        const [t0, t1, t2] = [await store.addTrial('study', { params: {} }), await store.addTrial('study', { params: {} }), await store.addTrial('study', { params: {} })];
        const done = await store.updateTrial(t0.id, { state: 'complete', values: [0.25, 0.75] });
        assert.equal(done.state, 'complete');
        assert.equal(done.value, 0.25);
        assert.deepEqual(done.values, [0.25, 0.75]);
        assert.ok(isoTime(done.endedAt) && Date.parse(done.endedAt!) >= Date.parse(done.startedAt));
        assertFrozen(done, 'finished trial');
        const pruned = await store.updateTrial(t1.id, { state: 'pruned' });
        assert.equal(pruned.state, 'pruned');
        assert.equal(pruned.values, undefined);
        const failed = await store.updateTrial(t2.id, { state: 'failed', error: 'worker 12 was killed by SIGKILL', interrupted: true });
        assert.equal(failed.error, 'worker 12 was killed by SIGKILL');
        assert.equal(failed.interrupted, true);
        const before = await store.listTrials('study');
        for (const t of [t0, t1, t2]) {
          await assert.rejects(store.updateTrial(t.id, { state: 'failed', error: 'again' }), isStoreError);
          await assert.rejects(store.updateTrial(t.id, { state: 'complete', values: [0, 1] }), isStoreError);
        }
        assert.deepEqual(await store.listTrials('study'), before);
        await assert.rejects(store.updateTrial(Math.max(t0.id, t1.id, t2.id) + 1000, { state: 'pruned' }), isStoreError);
        // An outcome that is not interrupted says nothing about it.
        const t3 = await store.addTrial('study', { params: {} });
        assert.equal((await store.updateTrial(t3.id, { state: 'failed', error: 'x', interrupted: false })).interrupted, undefined);
        assert.equal(t3.rejectedFor, undefined);
        // Why a trial was rejected is a field the search branches on, kept as given.
        const slow = await store.addTrial('study', { params: {} });
        const broke = await store.addTrial('study', { params: {} });
        assert.equal((await store.updateTrial(slow.id, { state: 'failed', error: 'any words', rejectedFor: 'time' })).rejectedFor, 'time');
        assert.equal((await store.updateTrial(broke.id, { state: 'pruned', rejectedFor: 'constraint' })).rejectedFor, 'constraint');
        const listed = await store.listTrials('study');
        assert.deepEqual(listed.map((t) => t.rejectedFor ?? null), [null, null, null, null, 'time', 'constraint']);
      }));

    it('records one intermediate result per step of a running trial, in step order', () =>
      withStore(async (store) => {
        await study(store);
        await store.createStudy({ name: 'single', objectives: [{ name: 'loss', direction: 'minimize' }], seed: 1 });
        const t = await store.addTrial('study', { params: {} });
        const s = await store.addTrial('single', { params: {} });
        await store.appendIntermediate(t.id, 0.25, [0.9, 0.1]);
        await store.appendIntermediate(t.id, 1, [0.5, 0.5]);
        await store.appendIntermediate(s.id, 1, [2.5]);
        await store.appendIntermediate(t.id, 3, [0.4, 0.6]);
        await assert.rejects(store.appendIntermediate(t.id, 1, [0.3, 0.7]), isStoreError);
        const [stored] = await store.listTrials('study');
        assert.deepEqual(stored.intermediate, [
          { step: 0.25, value: 0.9, values: [0.9, 0.1] },
          { step: 1, value: 0.5, values: [0.5, 0.5] },
          { step: 3, value: 0.4, values: [0.4, 0.6] },
        ]);
        assertFrozen(stored, 'trial');
        // One objective: `value` alone, as samplers and schedulers read it.
        assert.deepEqual((await store.listTrials('single'))[0].intermediate, [{ step: 1, value: 2.5 }]);
        const ended = await store.updateTrial(t.id, { state: 'pruned', values: [0.4, 0.6] });
        assert.equal(ended.intermediate?.length, 3, 'a finished trial keeps its intermediate results');
        await assert.rejects(store.appendIntermediate(t.id, 4, [0.3, 0.7]), isStoreError);
        await assert.rejects(store.appendIntermediate(t.id + s.id + 1000, 1, [0, 0]), isStoreError);
      }));

    it('keeps non-finite values as non-finite numbers', () =>
      withStore(async (store) => {
        await study(store);
        const t = await store.addTrial('study', { params: {} });
        await store.appendIntermediate(t.id, 1, [Number.NaN, Infinity]);
        await store.appendIntermediate(t.id, 2, [-Infinity, 0.5]);
        const ended = await store.updateTrial(t.id, { state: 'failed', values: [Number.NaN, -Infinity], error: 'objective returned a non-finite value' });
        const [stored] = await store.listTrials('study');
        for (const trial of [ended, stored]) {
          const seen = [...trial.intermediate!.flatMap((v) => v.values!), ...trial.values!];
          assert.deepEqual(
            seen.map((v) => Number.isFinite(v)),
            [false, false, false, true, false, false],
            `[${seen.join(', ')}]`,
          );
          assert.equal(trial.intermediate![1].values![1], 0.5);
        }
      }));

    it('lists a study\'s trials in creation order, frozen, and none for an unknown study', () =>
      withStore(async (store) => {
        await study(store, 'a');
        await study(store, 'b');
        const added: StoredTrial[] = [];
        for (let i = 0; i < 5; i++) {
          added.push(await store.addTrial(i % 2 === 0 ? 'a' : 'b', { params: { i } }));
          if (i === 2) await store.updateTrial(added[0].id, { state: 'complete', values: [1, 2] });
        }
        const a = await store.listTrials('a');
        assert.deepEqual(a.map((t) => t.params.i), [0, 2, 4]);
        assert.deepEqual(a.map((t) => t.number), [0, 1, 2]);
        assert.deepEqual((await store.listTrials('b')).map((t) => t.params.i), [1, 3]);
        a.forEach((t, k) => assertFrozen(t, `trial ${k}`));
        assert.throws(() => {
          (a[0].params as { i: number }).i = 9;
        }, TypeError);
        assert.deepEqual(await store.listTrials('c'), []);
      }));

    it('gets one trial by id, equal to its listed record, and undefined for an unknown id', () =>
      withStore(async (store) => {
        await study(store, 'a');
        await study(store, 'b');
        const t = await store.addTrial('a', { params: { i: 0 } });
        const u = await store.addTrial('b', { params: { i: 1 } });
        await store.appendIntermediate(t.id, 1, [0.5, 2]);
        await store.appendIntermediate(t.id, 2, [0.4, 2]);
        await store.updateTrial(u.id, { state: 'complete', values: [0.1, 1] });
        const [listedT] = await store.listTrials('a');
        const [listedU] = await store.listTrials('b');
        assert.deepEqual(await store.getTrial(t.id), listedT);
        assert.deepEqual(await store.getTrial(u.id), listedU);
        assert.equal((await store.getTrial(t.id))?.intermediate?.length, 2);
        assertFrozen(await store.getTrial(t.id), 'trial');
        assert.equal(await store.getTrial(t.id + u.id + 1000), undefined);
      }));

    it('links a retry to its interrupted trial, and retries a trial at most once', () =>
      withStore(async (store, fixture) => {
        await study(store);
        const t = await store.addTrial('study', { params: { lr: 0.1 } });
        await store.updateTrial(t.id, { state: 'failed', interrupted: true, error: 'interrupted: the process running it ended' });
        const retry = await store.addTrial('study', { params: { lr: 0.1 }, retryOf: t.id });
        assert.equal(retry.retryOf, t.id);
        assert.equal(retry.number, 1);
        await assert.rejects(store.addTrial('study', { params: { lr: 0.1 }, retryOf: t.id }), isStoreError);
        // Not from a second process resuming the same study either.
        const other = await fixture.share();
        await assert.rejects(other.addTrial('study', { params: { lr: 0.1 }, retryOf: t.id }), isStoreError);
        assert.deepEqual((await store.listTrials('study')).map((x) => x.retryOf), [undefined, t.id]);
      }));

    it('keeps studies, trials and their results after reopen, and numbers on from there', async () => {
      const fixture = await factory();
      try {
        const store = fixture.store;
        const record = await study(store);
        const t0 = await store.addTrial('study', { params: PARAMS });
        await store.appendIntermediate(t0.id, 1, [0.5, 0.5]);
        await store.updateTrial(t0.id, { state: 'complete', values: [0.4, 0.6] });
        const t1 = await store.addTrial('study', { params: {} });
        await store.updateTrial(t1.id, { state: 'failed', interrupted: true, error: 'gone' });
        await store.addTrial('study', { params: {}, retryOf: t1.id });
        const before = await store.listTrials('study');
        await store.close();
        const again = await fixture.reopen();
        assert.deepEqual(await again.getStudy('study'), record);
        assert.deepEqual(await again.listTrials('study'), before);
        assert.equal((await again.addTrial('study', { params: {} })).number, 3);
        await assert.rejects(again.createStudy({ name: 'study', objectives: OBJECTIVES, seed: 1 }), isStoreError);
      } finally {
        await fixture.dispose();
      }
    });

    it('shares one storage between two handles: each sees the other\'s writes, numbers never repeat, a trial ends once', () =>
      withStore(async (store, fixture) => {
        const other = await fixture.share();
        await study(store);
        assert.ok(await other.getStudy('study'), 'a study created by one handle is seen by the other');
        const added = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : other).addTrial('study', { params: { i } })));
        assert.deepEqual(added.map((t) => t.number).sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert.equal(new Set(added.map((t) => t.id)).size, 10);
        await store.appendIntermediate(added[1].id, 1, [0.5, 0.5]);
        await other.updateTrial(added[0].id, { state: 'complete', values: [0.1, 0.9] });
        const seen = await store.listTrials('study');
        assert.equal(seen.find((t) => t.id === added[0].id)?.state, 'complete');
        assert.deepEqual((await other.listTrials('study')).find((t) => t.id === added[1].id)?.intermediate, seen.find((t) => t.id === added[1].id)?.intermediate);
        // Two workers finishing the same trial, or reporting the same step: exactly one wins.
        const ends = await Promise.allSettled([store.updateTrial(added[2].id, { state: 'complete', values: [0.2, 0.8] }), other.updateTrial(added[2].id, { state: 'pruned' })]);
        assert.equal(ends.filter((r) => r.status === 'fulfilled').length, 1);
        assert.ok(ends.every((r) => r.status === 'fulfilled' || isStoreError(r.reason)));
        const reports = await Promise.allSettled([store.appendIntermediate(added[3].id, 2, [0.3, 0.7]), other.appendIntermediate(added[3].id, 2, [0.4, 0.6])]);
        assert.equal(reports.filter((r) => r.status === 'fulfilled').length, 1);
        assert.equal((await store.listTrials('study')).find((t) => t.id === added[3].id)?.intermediate?.length, 1);
      }));
  });
}

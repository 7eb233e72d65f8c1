import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeeplineError } from '../errors/index.ts';
import type { TaskMetaFeatures } from '../store/formats/prior-task.ts';
import type { NewPriorTask, PriorStore } from '../store/metadata/prior-store.ts';
import type { StoreFixture } from './store-fixture.ts';

/** A prior store on fresh storage, plus a second handle on it, as a second process would open. */
export interface PriorStoreFixture extends StoreFixture<PriorStore> {
  /** Opens another handle on the same storage while `store` stays open; `dispose` closes it. */
  share(): Promise<PriorStore>;
}

const FEATURES: TaskMetaFeatures = {
  modality: 'tabular',
  targetKind: 'class',
  rows: 178,
  features: 13,
  classes: 3,
  classEntropy: 0.98,
  minorityRatio: 0.8,
  skewness: 0.61,
  kurtosis: 1.25,
  binaryShare: 0,
  sparsity: 0.004,
  landmarker: 0.95,
};

/** A task as a finished study records it; `k` makes each one distinct. */
function task(name: string, k = 1): NewPriorTask {
  return {
    name,
    label: `wine-${k}`,
    family: 'mlp',
    metaFeatures: { ...FEATURES, rows: 100 * k },
    errorName: '1 - accuracy',
    configs: [
      { params: { depth: 2, 'layer1.units': 64 * k, 'layer2.units': 32, activation: 'relu', batchNorm: false, learningRate: 3e-3 }, error: 0.02 * k },
      { params: { depth: 1, 'layer1.units': 16, activation: 'tanh', batchNorm: true, learningRate: 1e-2 }, error: 0.05 * k },
    ],
  };
}

/**
 * The contract every PriorStore must meet (see prior-store.ts): frozen records equal to what was
 * put, `put` replacing a name whole without listing it twice, first-put order, removal, checks
 * that refuse a task with nothing to seed from, and durability across handles.
 */
export function priorStoreConformance(label: string, factory: () => Promise<PriorStoreFixture>): void {
  const withStore = async (fn: (store: PriorStore, fixture: PriorStoreFixture) => Promise<void>) => {
    const fixture = await factory();
    try {
      await fn(fixture.store, fixture);
    } finally {
      await fixture.dispose();
    }
  };
  const isPriorError = (field: string) => (e: unknown) => e instanceof DeeplineError && e.code === 'DL_PRIOR' && e.message.includes(field);
  const strip = ({ createdAt: _, ...rest }: { createdAt: string } & NewPriorTask) => rest;

  describe(`PriorStore conformance: ${label}`, () => {
    it('puts a task and returns it frozen, equal to what get and list return', () =>
      withStore(async (store) => {
        const put = await store.put(task('search-0123 "é"'));
        assert.deepEqual(strip(put), task('search-0123 "é"'));
        assert.ok(!Number.isNaN(Date.parse(put.createdAt)), `createdAt ${put.createdAt} is a time`);
        assert.ok(Object.isFrozen(put) && Object.isFrozen(put.configs[0].params) && Object.isFrozen(put.metaFeatures));
        assert.deepEqual(await store.get('search-0123 "é"'), put);
        assert.deepEqual(await store.list(), [put]);
        assert.equal(await store.get('other'), undefined);
      }));

    it('replaces a task of the same name whole, keeping its place in the list', () =>
      withStore(async (store) => {
        await store.put(task('a', 1));
        await store.put(task('b', 2));
        const again = await store.put({ ...task('a', 3), configs: [{ params: { depth: 4 }, error: 0.01 }] });
        const listed = await store.list();
        assert.deepEqual(listed.map((t) => t.name), ['a', 'b']);
        assert.deepEqual(listed[0], again);
        assert.deepEqual(listed[0].configs, [{ params: { depth: 4 }, error: 0.01 }]);
        assert.equal(listed[0].metaFeatures.rows, 300);
      }));

    it('removes a task by name and says whether it was there', () =>
      withStore(async (store) => {
        await store.put(task('a'));
        await store.put(task('b', 2));
        assert.equal(await store.remove('a'), true);
        assert.equal(await store.remove('a'), false);
        assert.deepEqual((await store.list()).map((t) => t.name), ['b']);
      }));

    it('refuses a task without configurations, with a non-finite error or meta-feature, naming the field', () =>
      withStore(async (store) => {
        await assert.rejects(store.put({ ...task('a'), configs: [] }), isPriorError('configs'));
        await assert.rejects(store.put({ ...task('a'), configs: [{ params: { depth: 1 }, error: Number.NaN }] }), isPriorError('configs[0].error'));
        await assert.rejects(store.put({ ...task('a'), metaFeatures: { ...FEATURES, landmarker: Number.POSITIVE_INFINITY } }), isPriorError('metaFeatures.landmarker'));
        await assert.rejects(store.put({ ...task('a'), metaFeatures: { ...FEATURES, targetKind: 'ordinal' as 'class' } }), isPriorError('metaFeatures.targetKind'));
        assert.deepEqual(await store.list(), []);
      }));

    it('keeps what was put for another handle and after reopening', () =>
      withStore(async (store, fixture) => {
        await store.put(task('a'));
        const other = await fixture.share();
        await other.put(task('b', 2));
        assert.deepEqual((await store.list()).map((t) => t.name), ['a', 'b']);
        await store.close();
        const reopened = await fixture.reopen();
        assert.deepEqual(strip(await reopened.get('b') as NewPriorTask & { createdAt: string }), task('b', 2));
      }));
  });
}

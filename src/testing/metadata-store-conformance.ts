import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeeplineError } from '../errors/index.ts';
import type { ArtifactRef } from '../store/artifacts/artifact-store.ts';
import type { MetadataStore } from '../store/metadata/metadata-store.ts';
import type { StoreFactory } from './store-fixture.ts';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const artifact = (hash: string, kind: ArtifactRef['kind'] = 'json'): ArtifactRef => ({ hash, kind, size: 12, uri: `/store/${hash}` });
const newRun = (id: string) => ({ id, name: `run ${id}`, taskType: 'tabular-classification', taskFile: '/p/task.yaml', spec: { task: 'x', n: [1, 2] } });

/**
 * The contract every MetadataStore must meet (see metadata-store.ts). Registers node:test tests;
 * an implementation's test file calls it with a factory giving a store on empty storage.
 */
export function metadataStoreConformance(label: string, factory: StoreFactory<MetadataStore>): void {
  const withStore = async (fn: (store: MetadataStore) => Promise<void>) => {
    const fixture = await factory();
    try {
      await fn(fixture.store);
    } finally {
      await fixture.dispose();
    }
  };
  const rejectsWith = (p: Promise<unknown>, code: string) =>
    assert.rejects(p, (e: unknown) => e instanceof DeeplineError && e.code === code);
  const assertFrozen = (value: object) => assert.ok(Object.isFrozen(value), 'record must be frozen');

  describe(`MetadataStore conformance: ${label}`, () => {
    it('creates a run and returns it frozen, equal to what getRun returns', () =>
      withStore(async (store) => {
        const run = await store.createRun(newRun('r1'));
        assert.equal(run.id, 'r1');
        assert.equal(run.status, 'running');
        assert.equal(run.taskFile, '/p/task.yaml');
        assert.deepEqual(run.spec, { task: 'x', n: [1, 2] });
        assert.ok(!Number.isNaN(Date.parse(run.startedAt)), 'startedAt is an ISO time');
        assert.equal(run.endedAt, undefined);
        assertFrozen(run);
        assertFrozen(run.spec as object);
        assert.throws(() => {
          (run as { status: string }).status = 'failed';
        }, TypeError);
        assert.deepEqual(await store.getRun('r1'), run);
        assert.equal(await store.getRun('nope'), undefined);
      }));

    it('refuses a second run with the same id', () =>
      withStore(async (store) => {
        await store.createRun(newRun('dup'));
        await rejectsWith(store.createRun(newRun('dup')), 'DL_STORE');
      }));

    it('sets run status: finished runs get endedAt and error, resumed ones lose them', () =>
      withStore(async (store) => {
        await store.createRun(newRun('r'));
        await store.setRunStatus('r', 'failed', 'step "train" failed: boom');
        const failed = await store.getRun('r');
        assert.equal(failed?.status, 'failed');
        assert.equal(failed?.error, 'step "train" failed: boom');
        assert.ok(failed?.endedAt && Date.parse(failed.endedAt) >= Date.parse(failed.startedAt));
        await store.setRunStatus('r', 'running');
        const resumed = await store.getRun('r');
        assert.equal(resumed?.status, 'running');
        assert.equal(resumed?.endedAt, undefined);
        assert.equal(resumed?.error, undefined);
        await store.setRunStatus('r', 'completed');
        assert.equal((await store.getRun('r'))?.status, 'completed');
        await rejectsWith(store.setRunStatus('ghost', 'completed'), 'DL_RUN_NOT_FOUND');
      }));

    it('lists runs newest first (creation order breaks ties) and honours limit', () =>
      withStore(async (store) => {
        for (const id of ['first', 'second', 'third']) await store.createRun(newRun(id));
        assert.deepEqual((await store.listRuns()).map((r) => r.id), ['third', 'second', 'first']);
        assert.deepEqual((await store.listRuns({ limit: 2 })).map((r) => r.id), ['third', 'second']);
        assert.ok((await store.listRuns()).every((r) => Object.isFrozen(r)));
      }));

    it('records a step from start to finish', () =>
      withStore(async (store) => {
        await store.createRun(newRun('r'));
        const id = await store.startStep({ runId: 'r', name: 'load', version: '2', cacheKey: 'k1', params: { rows: 10 } });
        assert.ok(Number.isInteger(id));
        let detail = await store.getRunDetail('r');
        assert.equal(detail?.steps[0]?.status, 'running');
        assert.deepEqual(detail?.steps[0]?.outputs, {});
        await store.finishStep(id, { status: 'completed', outputs: { table: HASH_A } });
        detail = await store.getRunDetail('r');
        const step = detail?.steps[0];
        assert.ok(step);
        assert.equal(step.id, id);
        assert.equal(step.runId, 'r');
        assert.equal(step.name, 'load');
        assert.equal(step.version, '2');
        assert.equal(step.cacheKey, 'k1');
        assert.equal(step.status, 'completed');
        assert.deepEqual(step.params, { rows: 10 });
        assert.deepEqual(step.outputs, { table: HASH_A });
        assert.ok(step.endedAt && step.durationMs !== undefined && step.durationMs >= 0);
        assertFrozen(step);
        assertFrozen(step.outputs);
      }));

    it('finishes a step only once, and only a step that exists', () =>
      withStore(async (store) => {
        await store.createRun(newRun('r'));
        const id = await store.startStep({ runId: 'r', name: 's', version: '1', cacheKey: 'k', params: {} });
        await store.finishStep(id, { status: 'failed', error: 'boom' });
        await rejectsWith(store.finishStep(id, { status: 'completed', outputs: {} }), 'DL_STORE');
        const step = (await store.getRunDetail('r'))?.steps[0];
        assert.equal(step?.status, 'failed');
        assert.equal(step?.error, 'boom');
        await rejectsWith(store.finishStep(id + 1000, { status: 'completed' }), 'DL_STORE');
      }));

    it('deletes a run with its steps, params, metrics and lineage, and nothing of other runs', () =>
      withStore(async (store) => {
        for (const runId of ['gone', 'kept']) {
          await store.createRun(newRun(runId));
          const step = await store.startStep({ runId, name: 'load', version: '1', cacheKey: `key-${runId}`, params: {} });
          await store.finishStep(step, { status: 'completed', outputs: { table: HASH_A } });
          await store.recordArtifact(artifact(HASH_A));
          await store.addLineage({ runId, stepId: step, artifactHash: HASH_A, name: 'table', direction: 'output' });
          await store.logParams(runId, { lr: 0.1 });
          await store.logMetric({ runId, stepName: 'load', key: 'rows', value: 10 });
        }
        const before = await store.getRunDetail('kept');
        assert.equal(await store.deleteRun('gone'), true);
        assert.equal(await store.getRun('gone'), undefined);
        assert.equal(await store.getRunDetail('gone'), undefined);
        assert.deepEqual((await store.listRuns()).map((r) => r.id), ['kept']);
        assert.equal(await store.findCompletedStep('key-gone'), undefined, 'its steps no longer serve as a cache');
        assert.deepEqual(await store.getRunDetail('kept'), before, 'the other run, its lineage to the shared artifact included, is untouched');
        assert.equal(await store.deleteRun('gone'), false);
        await rejectsWith(store.logMetric({ runId: 'gone', stepName: 'load', key: 'rows', value: 1 }), 'DL_RUN_NOT_FOUND');
        // The id is free again.
        assert.equal((await store.createRun(newRun('gone'))).id, 'gone');
      }));

    it('refuses a step of an unknown run', () =>
      withStore(async (store) => {
        await rejectsWith(store.startStep({ runId: 'ghost', name: 's', version: '1', cacheKey: 'k', params: {} }), 'DL_RUN_NOT_FOUND');
      }));

    it('finds the newest completed step by cache key, in any run, ignoring cached/failed/running ones', () =>
      withStore(async (store) => {
        await store.createRun(newRun('r1'));
        await store.createRun(newRun('r2'));
        const finish = async (runId: string, status: 'completed' | 'cached' | 'failed' | 'running', out: string) => {
          const id = await store.startStep({ runId, name: 's', version: '1', cacheKey: 'key', params: {} });
          if (status !== 'running') await store.finishStep(id, { status, outputs: { o: out } });
          return id;
        };
        assert.equal(await store.findCompletedStep('key'), undefined);
        await finish('r1', 'failed', HASH_B);
        assert.equal(await store.findCompletedStep('key'), undefined);
        const older = await finish('r1', 'completed', HASH_A);
        assert.equal((await store.findCompletedStep('key'))?.id, older);
        const newer = await finish('r2', 'completed', HASH_B);
        await finish('r2', 'cached', HASH_A);
        await finish('r2', 'failed', HASH_A);
        await finish('r2', 'running', HASH_A);
        const found = await store.findCompletedStep('key');
        assert.equal(found?.id, newer);
        assert.equal(found?.runId, 'r2');
        assert.deepEqual(found?.outputs, { o: HASH_B });
        assert.ok(found && Object.isFrozen(found));
        assert.equal(await store.findCompletedStep('other'), undefined);
      }));

    it('records artifacts idempotently and lineage edges with their step names', () =>
      withStore(async (store) => {
        await store.createRun(newRun('r'));
        await store.createRun(newRun('other'));
        const id = await store.startStep({ runId: 'r', name: 'train', version: '1', cacheKey: 'k', params: {} });
        await rejectsWith(store.addLineage({ runId: 'r', stepId: id, artifactHash: HASH_A, name: 'data', direction: 'input' }), 'DL_STORE');
        await store.recordArtifact(artifact(HASH_A));
        await store.recordArtifact(artifact(HASH_A));
        await store.recordArtifact(artifact(HASH_B, 'dir'));
        await store.addLineage({ runId: 'r', stepId: id, artifactHash: HASH_A, name: 'data', direction: 'input' });
        await store.addLineage({ runId: 'r', stepId: id, artifactHash: HASH_A, name: 'data', direction: 'input' });
        await store.addLineage({ runId: 'r', stepId: id, artifactHash: HASH_B, name: 'model', direction: 'output' });
        // One name per direction: a step cannot have read two different artifacts as "data".
        await rejectsWith(store.addLineage({ runId: 'r', stepId: id, artifactHash: HASH_B, name: 'data', direction: 'input' }), 'DL_STORE');
        // An edge must belong to its step's run.
        await rejectsWith(store.addLineage({ runId: 'other', stepId: id, artifactHash: HASH_B, name: 'x', direction: 'output' }), 'DL_STORE');
        const detail = await store.getRunDetail('r');
        assert.deepEqual(
          detail?.lineage.map((e) => ({ ...e })),
          [
            { runId: 'r', stepId: id, stepName: 'train', artifactHash: HASH_A, name: 'data', direction: 'input' },
            { runId: 'r', stepId: id, stepName: 'train', artifactHash: HASH_B, name: 'model', direction: 'output' },
          ],
        );
        const arts = [...(detail?.artifacts ?? [])].sort((a, b) => a.hash.localeCompare(b.hash));
        assert.deepEqual(arts.map((a) => [a.hash, a.kind, a.size, a.uri]), [
          [HASH_A, 'json', 12, `/store/${HASH_A}`],
          [HASH_B, 'dir', 12, `/store/${HASH_B}`],
        ]);
        assert.ok(arts.every((a) => !Number.isNaN(Date.parse(a.createdAt)) && Object.isFrozen(a)));
        assert.deepEqual((await store.getRunDetail('other'))?.artifacts, []);
      }));

    it('logs params: same value again is fine, a changed value is refused', () =>
      withStore(async (store) => {
        await store.createRun(newRun('r'));
        await store.logParams('r', { lr: 0.01, layers: [64, 32], opt: { name: 'adam', beta: 0.9 } });
        await store.logParams('r', { opt: { beta: 0.9, name: 'adam' } });
        await store.logParams('r', { seed: 7 });
        await rejectsWith(store.logParams('r', { lr: 0.1 }), 'DL_STORE');
        await rejectsWith(store.logParams('ghost', { lr: 0.1 }), 'DL_RUN_NOT_FOUND');
        const detail = await store.getRunDetail('r');
        assert.deepEqual(detail?.params, { lr: 0.01, layers: [64, 32], opt: { name: 'adam', beta: 0.9 }, seed: 7 });
        assert.ok(detail && Object.isFrozen(detail.params) && Object.isFrozen(detail.params.layers));
      }));

    it('logs metrics in order with optional step/epoch, keeping NaN and infinities', () =>
      withStore(async (store) => {
        await store.createRun(newRun('r'));
        await store.logMetric({ runId: 'r', stepName: 'train', key: 'loss', value: 0.5, epoch: 1 });
        await store.logMetric({ runId: 'r', stepName: 'train', key: 'loss', value: 0.25, step: 200, epoch: 2 });
        await store.logMetric({ runId: 'r', stepName: 'train', key: 'loss', value: Number.NaN, epoch: 3 });
        await store.logMetric({ runId: 'r', stepName: 'eval', key: 'grad_norm', value: Number.POSITIVE_INFINITY });
        await rejectsWith(store.logMetric({ runId: 'ghost', stepName: 's', key: 'k', value: 1 }), 'DL_RUN_NOT_FOUND');
        const metrics = (await store.getRunDetail('r'))?.metrics ?? [];
        assert.deepEqual(
          metrics.map(({ at: _at, ...m }) => m),
          [
            { runId: 'r', stepName: 'train', key: 'loss', value: 0.5, epoch: 1 },
            { runId: 'r', stepName: 'train', key: 'loss', value: 0.25, step: 200, epoch: 2 },
            { runId: 'r', stepName: 'train', key: 'loss', value: Number.NaN, epoch: 3 },
            { runId: 'r', stepName: 'eval', key: 'grad_norm', value: Number.POSITIVE_INFINITY },
          ],
        );
        assert.ok(metrics.every((m) => Object.isFrozen(m) && !Number.isNaN(Date.parse(m.at))));
      }));

    it('keeps every one of many concurrent writes', () =>
      withStore(async (store) => {
        await store.createRun(newRun('r'));
        await Promise.all(
          Array.from({ length: 40 }, (_, i) => store.logMetric({ runId: 'r', stepName: 's', key: 'k', value: i, step: i })),
        );
        const values = ((await store.getRunDetail('r'))?.metrics ?? []).map((m) => m.value).sort((a, b) => a - b);
        assert.deepEqual(values, Array.from({ length: 40 }, (_, i) => i));
      }));

    it('returns a frozen run detail with steps in start order, and undefined for an unknown run', () =>
      withStore(async (store) => {
        await store.createRun(newRun('r'));
        const ids: number[] = [];
        for (const name of ['a', 'b', 'c']) ids.push(await store.startStep({ runId: 'r', name, version: '1', cacheKey: name, params: {} }));
        const detail = await store.getRunDetail('r');
        assert.ok(detail);
        assert.deepEqual(detail.steps.map((s) => s.name), ['a', 'b', 'c']);
        assert.deepEqual(detail.steps.map((s) => s.id), ids);
        assert.equal(detail.run.id, 'r');
        for (const part of [detail, detail.steps, detail.metrics, detail.artifacts, detail.lineage, detail.params]) assertFrozen(part);
        assert.equal(await store.getRunDetail('ghost'), undefined);
      }));

    it('keeps everything after close and reopen', async () => {
      const fixture = await factory();
      try {
        const store = fixture.store;
        await store.createRun(newRun('r'));
        const id = await store.startStep({ runId: 'r', name: 's', version: '1', cacheKey: 'persist', params: { p: 1 } });
        await store.recordArtifact(artifact(HASH_A));
        await store.addLineage({ runId: 'r', stepId: id, artifactHash: HASH_A, name: 'o', direction: 'output' });
        await store.finishStep(id, { status: 'completed', outputs: { o: HASH_A } });
        await store.logParams('r', { p: 1 });
        await store.logMetric({ runId: 'r', stepName: 's', key: 'acc', value: 0.9 });
        await store.setRunStatus('r', 'completed');
        const before = await store.getRunDetail('r');
        await store.close();
        const again = await fixture.reopen();
        assert.deepEqual(await again.getRunDetail('r'), before);
        assert.equal((await again.findCompletedStep('persist'))?.id, id);
        await again.close();
      } finally {
        await fixture.dispose();
      }
    });
  });
}

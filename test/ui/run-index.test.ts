import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteMetadataStore } from '../../src/store/metadata/sqlite-metadata-store.ts';
import { RunIndex } from '../../src/ui/run-index.ts';

describe('RunIndex', () => {
  it('reports what changed between refreshes: runs, steps, and a run whose process died', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deepline-run-index-'));
    const store = new SqliteMetadataStore(join(dir, 'metadata.db'));
    try {
      const alive = new Set<string>();
      const index = new RunIndex(store, async (run) => (run.status === 'running' && !alive.has(run.id) ? 'interrupted' : run.status));
      await store.createRun({ id: 'old', name: 'old', taskType: 'tabular-regression', taskFile: '', spec: { metric: 'rmse' } });
      await store.setRunStatus('old', 'completed');
      assert.deepEqual(await index.refresh(), [], 'the first refresh is the baseline');
      assert.equal(await index.changeCounter(), await store.changeCounter());

      await store.createRun({ id: 'new', name: 'new', taskType: 'tabular-regression', taskFile: '', spec: { metric: 'rmse' } });
      alive.add('new');
      const ingest = await store.startStep({ runId: 'new', name: 'ingest', version: '1', cacheKey: 'a', params: {} });
      assert.deepEqual(await index.refresh(), [
        { type: 'run-started', runId: 'new', name: 'new' },
        { type: 'step-started', runId: 'new', stepId: ingest, step: 'ingest' },
      ]);
      assert.deepEqual(index.live().map((d) => d.run.id), ['new']);
      await store.finishStep(ingest, { status: 'cached' });
      await store.startStep({ runId: 'new', name: 'evaluate', version: '1', cacheKey: 'b', params: {} });
      await store.logMetric({ runId: 'new', stepName: 'evaluate', key: 'test_rmse', value: 0.25 });
      const changes = await index.refresh();
      assert.deepEqual(changes.map((c) => c.type), ['step-finished', 'step-started']);
      assert.equal(changes[0]!.type === 'step-finished' && changes[0]!.status, 'cached');
      assert.deepEqual(index.get('new')?.metric, { name: 'rmse', key: 'test_rmse', direction: 'minimize', value: 0.25 });
      assert.equal(index.get('new')?.cachedSteps, 1);

      // The writer is killed: no store write, but the run is no longer live.
      alive.delete('new');
      assert.deepEqual(await index.refresh(), [{ type: 'run-finished', runId: 'new', status: 'interrupted' }]);
      assert.equal(index.get('new')?.status, 'interrupted');
      assert.deepEqual(index.live(), []);
      assert.deepEqual(await index.refresh(), [], 'nothing new');
      assert.deepEqual(index.page({ limit: 10, offset: 0, sort: 'name', order: 'desc' }).runs.map((r) => r.id), ['old', 'new']);
      assert.deepEqual(index.page({ limit: 10, offset: 0, sort: 'metric', order: 'asc' }).runs.map((r) => r.id), ['new', 'old'], 'no metric: last');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

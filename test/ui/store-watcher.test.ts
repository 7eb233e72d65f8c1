import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteModelRegistryStore } from '../../src/model-registry/sqlite-model-registry-store.ts';
import { SqliteMetadataStore } from '../../src/store/metadata/sqlite-metadata-store.ts';
import { SqliteStudyStore } from '../../src/store/metadata/sqlite-study-store.ts';
import type { UiEvent } from '../../src/ui/api-types.ts';
import { RunIndex } from '../../src/ui/run-index.ts';
import { StoreWatcher } from '../../src/ui/store-watcher.ts';

/** A metadata, a study and a registry store on one SQLite file in a new folder; `close` removes it all. */
function openStores() {
  const dir = mkdtempSync(join(tmpdir(), 'deepline-watcher-'));
  const file = join(dir, 'metadata.db');
  const metadata = new SqliteMetadataStore(file);
  const studies = new SqliteStudyStore(file);
  const registry = new SqliteModelRegistryStore(file);
  return {
    dir,
    file,
    metadata,
    studies,
    registry,
    async close(): Promise<void> {
      for (const store of [registry, studies, metadata]) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `metadata` with its listRuns replaced, every other member its own. */
function withListRuns(metadata: SqliteMetadataStore, listRuns: () => ReturnType<SqliteMetadataStore['listRuns']>): SqliteMetadataStore {
  return new Proxy(metadata, {
    get(target, key, receiver) {
      if (key === 'listRuns') return listRuns;
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('StoreWatcher', () => {
  it('idles on the change counter and sees a registry change made through another connection', async () => {
    const stores = openStores();
    const { dir, metadata, studies, registry } = stores;
    // Another writer on the same file, as `deepline registry promote` in another process would be.
    const other = new SqliteModelRegistryStore(stores.file);
    let reads = 0;
    const counted = withListRuns(metadata, () => {
      reads++;
      return metadata.listRuns();
    });
    const watcher = new StoreWatcher(new RunIndex(counted, async (run) => run.status), studies, registry, 1000);
    try {
      const events: UiEvent[] = [];
      watcher.subscribe({}, (e) => events.push(e));
      await watcher.poll();
      assert.equal(reads, 1, 'the first poll reads');
      await watcher.poll();
      await watcher.poll();
      assert.equal(reads, 1, 'nothing committed, nothing live: no re-read');
      await other.registerVersion({
        model: 'm',
        task: 'tabular-classification',
        metrics: { accuracy: 0.9 },
        gates: {},
        artifacts: { hash: 'a'.repeat(64), size: 1, files: {} },
        source: dir,
        actor: 'test',
      });
      await watcher.poll();
      assert.equal(reads, 2, 'a commit by another connection is seen');
      assert.deepEqual(events.map((e) => e.type), ['hello', 'models-changed']);
      assert.equal(events[1]!.seq, 1);
    } finally {
      await watcher.stop();
      await other.close();
      await stores.close();
    }
  });

  it('a poll asked for while another runs reads after the ask: a write made meanwhile is in the summary it leaves', async () => {
    const stores = openStores();
    const { metadata, studies, registry } = stores;
    // The second poll's listRuns waits on a gate, so the write below lands while that poll runs.
    let gate: (() => void) | undefined;
    const held = new Promise<void>((open) => (gate = open));
    let calls = 0;
    const gated = withListRuns(metadata, async () => {
      const runs = await metadata.listRuns();
      if (++calls === 2) await held;
      return runs;
    });
    const index = new RunIndex(gated, async (run) => run.status);
    const watcher = new StoreWatcher(index, studies, registry, 60_000);
    try {
      await metadata.createRun({ id: 'r1', name: 'r1', taskType: 'tabular-classification', taskFile: '', spec: { metric: 'accuracy' } });
      await watcher.poll();
      // The second poll reads the run list (run in progress, no metric), then waits.
      const running = watcher.poll();
      while (calls < 2) await new Promise((r) => setImmediate(r));
      await metadata.logMetric({ runId: 'r1', stepName: 'evaluate', key: 'test_accuracy', value: 0.75 });
      await metadata.setRunStatus('r1', 'completed');
      const asked = watcher.poll();
      gate!();
      await running;
      await asked;
      assert.equal(calls, 3, 'the poll asked for during another ran one of its own');
      assert.equal(index.get('r1')?.status, 'completed');
      assert.equal(index.get('r1')?.metric?.value, 0.75);
    } finally {
      await watcher.stop();
      await stores.close();
    }
  });
});

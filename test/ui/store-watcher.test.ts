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

describe('StoreWatcher', () => {
  it('idles on the change counter and sees a registry change made through another connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deepline-watcher-'));
    const file = join(dir, 'metadata.db');
    const metadata = new SqliteMetadataStore(file);
    const studies = new SqliteStudyStore(file);
    const registry = new SqliteModelRegistryStore(file);
    // Another writer on the same file, as `deepline registry promote` in another process would be.
    const other = new SqliteModelRegistryStore(file);
    let reads = 0;
    const counted = new Proxy(metadata, {
      get(target, key, receiver) {
        if (key === 'listRuns') reads++;
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
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
      for (const store of [other, registry, studies, metadata]) await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

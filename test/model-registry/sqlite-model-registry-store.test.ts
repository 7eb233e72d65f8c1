import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { SqliteModelRegistryStore } from '../../src/model-registry/sqlite-model-registry-store.ts';
import { SqliteMetadataStore } from '../../src/store/metadata/sqlite-metadata-store.ts';
import { SqliteStudyStore } from '../../src/store/metadata/sqlite-study-store.ts';

// The conformance suite runs in model-registry-store-conformance.test.ts, beside PostgreSQL's.
describe('SqliteModelRegistryStore specifics', () => {
  it('shares metadata.db with the run and study tables, each migrated on its own', async () => {
    const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-registry-shared-'));
    const file = path.join(dir, 'metadata.db');
    try {
      const metadata = new SqliteMetadataStore(file);
      const studies = new SqliteStudyStore(file);
      const registry = new SqliteModelRegistryStore(file);
      await metadata.createRun({ id: 'r1', name: 'iris', taskType: 'tabular-classification', taskFile: '', spec: {} });
      await studies.createStudy({ name: 's', objectives: [{ name: 'error', direction: 'minimize' }], seed: 1 });
      const v = await registry.registerVersion({
        model: 'iris',
        runId: 'r1',
        task: 'tabular-classification',
        metrics: { accuracy: 1 },
        gates: {},
        artifacts: { hash: 'a'.repeat(64), size: 1, files: {} },
        source: '/out',
        actor: 'a',
      });
      assert.equal(v.version, 1);
      assert.equal(registry.schemaVersion, 1);
      for (const s of [metadata, studies, registry]) await s.close();
      // Reopening applies nothing twice and keeps all three.
      const again = new SqliteModelRegistryStore(file);
      const runs = new SqliteMetadataStore(file);
      assert.equal((await again.getVersion('iris', 1))?.runId, 'r1');
      assert.equal((await runs.getRun('r1'))?.name, 'iris');
      await again.close();
      await runs.close();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

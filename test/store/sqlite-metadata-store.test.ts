import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DeeplineError } from '../../src/errors/index.ts';
import { SqliteMetadataStore } from '../../src/store/metadata/sqlite-metadata-store.ts';
import { SQLITE_MIGRATIONS } from '../../src/store/metadata/sqlite-migrations.ts';

async function tempDb(): Promise<{ dir: string; file: string }> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-sqlite-'));
  return { dir, file: path.join(dir, 'nested', 'metadata.db') };
}

// The conformance suite runs in metadata-store-conformance.test.ts, beside PostgreSQL's.
describe('SqliteMetadataStore specifics', () => {
  it('opens in WAL mode with foreign keys, at the latest schema version, with the lookup indexes', async () => {
    const { dir, file } = await tempDb();
    const store = new SqliteMetadataStore(file);
    try {
      assert.equal(store.schemaVersion, SQLITE_MIGRATIONS.length);
      await store.close();
      const db = new Database(file, { readonly: true });
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      const indexes = db.prepare(`SELECT tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`).all() as Array<{ tbl_name: string; sql: string }>;
      assert.ok(indexes.some((i) => i.tbl_name === 'steps' && /\(cache_key/.test(i.sql)), 'index on steps.cache_key');
      assert.ok(indexes.some((i) => i.tbl_name === 'steps' && /\(run_id/.test(i.sql)), 'index on steps.run_id');
      assert.ok(indexes.some((i) => i.tbl_name === 'lineage' && /\(run_id/.test(i.sql)), 'index on lineage.run_id');
      const fks = db.prepare(`SELECT "table" FROM pragma_foreign_key_list('lineage')`).all() as Array<{ table: string }>;
      assert.deepEqual(fks.map((f) => f.table).sort(), ['artifacts', 'runs', 'steps']);
      db.close();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('migrates an empty file once and refuses a file from a newer deepline', async () => {
    const { dir, file } = await tempDb();
    try {
      await new SqliteMetadataStore(file).close();
      // Reopening must not re-run migration 1 (its CREATE TABLEs would fail).
      const again = new SqliteMetadataStore(file);
      assert.equal(again.schemaVersion, SQLITE_MIGRATIONS.length);
      await again.close();
      const db = new Database(file);
      db.prepare('UPDATE schema_version SET version = ?').run(SQLITE_MIGRATIONS.length + 1);
      db.close();
      assert.throws(() => new SqliteMetadataStore(file), (e: unknown) => e instanceof DeeplineError && e.code === 'DL_STORE' && /newer/.test(e.message));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('takes timestamps and step durations from the injected clock', async () => {
    const { dir, file } = await tempDb();
    let t = Date.parse('2030-01-02T03:04:05.000Z');
    const store = new SqliteMetadataStore(file, { now: () => new Date(t) });
    try {
      await store.createRun({ id: 'r', name: 'r', taskType: 't', taskFile: '', spec: {} });
      const id = await store.startStep({ runId: 'r', name: 's', version: '1', cacheKey: 'k', params: {} });
      t += 1234;
      await store.finishStep(id, { status: 'completed', outputs: {} });
      const step = (await store.getRunDetail('r'))?.steps[0];
      assert.equal(step?.startedAt, '2030-01-02T03:04:05.000Z');
      assert.equal(step?.endedAt, '2030-01-02T03:04:06.234Z');
      assert.equal(step?.durationMs, 1234);
    } finally {
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reports driver failures as DL_STORE errors', async () => {
    const { dir, file } = await tempDb();
    const store = new SqliteMetadataStore(file);
    await store.close();
    try {
      await assert.rejects(store.getRun('r'), (e: unknown) => e instanceof DeeplineError && e.code === 'DL_STORE' && e.message.includes(file));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

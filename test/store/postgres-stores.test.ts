import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DeeplineError } from '../../src/errors/index.ts';
import { migratePostgres } from '../../src/store/postgres/migrate-postgres.ts';
import { PgDatabase } from '../../src/store/postgres/pg-database.ts';
import { PgRunLocks } from '../../src/store/postgres/pg-run-locks.ts';
import { PgStudyStore } from '../../src/store/postgres/pg-study-store.ts';
import { parseStoreUrl } from '../../src/store/postgres/store-url.ts';
import { resolveStoreUrl } from '../../src/store/resolve-store-url.ts';
import { postgresUnavailable, TestSchemas } from '../../src/testing/postgres-test-database.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const isCode = (code: string, pattern?: RegExp) => (e: unknown) => e instanceof DeeplineError && e.code === code && (pattern === undefined || pattern.test(e.message));

/** Runs a fixture in a child process; resolves with its stdout lines when it exits 0. */
async function runChild(file: string, args: string[]): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, `${file} exited ${code}: ${err}`);
  return out.trim().split('\n');
}

describe('store URLs', () => {
  it('parses a PostgreSQL URL, takes the schema out of it and never shows the password', () => {
    const url = parseStoreUrl('postgres://ann:s3cret@db.example:6543/runs?schema=team_a&sslmode=disable', '--store');
    assert.equal(url.schema, 'team_a');
    assert.equal(url.connectionString, 'postgres://ann:s3cret@db.example:6543/runs?sslmode=disable');
    assert.equal(url.display, 'postgres://ann@db.example:6543/runs?sslmode=disable&schema=team_a');
    assert.equal(parseStoreUrl('postgresql://127.0.0.1/test', 'x').schema, 'deepline');
  });

  it('refuses what is not a PostgreSQL URL with DL_STORE_URL, naming the source and hiding the password', () => {
    assert.throws(() => parseStoreUrl('mysql://a@b/c', '--store'), isCode('DL_STORE_URL', /^--store must be a PostgreSQL URL .* but got "mysql:\/\/a@b\/c": only postgres:\/\//));
    assert.throws(() => parseStoreUrl('postgres://a:pw@host', 'DEEPLINE_STORE_URL'), isCode('DL_STORE_URL', /"postgres:\/\/a:\*\*\*@host": it names no database/));
    assert.throws(() => parseStoreUrl('postgres://h/db?schema=a-b', '--store'), isCode('DL_STORE_URL', /schema "a-b" must be letters/));
  });

  it('takes --store first, then the task file, then DEEPLINE_STORE_URL, else the embedded stores', () => {
    const env = { DEEPLINE_STORE_URL: 'postgres://env@h/db' };
    assert.deepEqual(resolveStoreUrl({ flag: 'postgres://flag@h/db', task: 'postgres://task@h/db', env }), { url: 'postgres://flag@h/db', source: '--store' });
    assert.deepEqual(resolveStoreUrl({ task: 'postgres://task@h/db', env }), { url: 'postgres://task@h/db', source: 'task file' });
    assert.deepEqual(resolveStoreUrl({ env }), { url: 'postgres://env@h/db', source: 'DEEPLINE_STORE_URL' });
    assert.deepEqual(resolveStoreUrl({ env: { DEEPLINE_STORE_URL: '' } }), {});
    assert.throws(() => resolveStoreUrl({ env: { DEEPLINE_STORE_URL: 'sqlite:x.db' } }), isCode('DL_STORE_URL', /^DEEPLINE_STORE_URL must be/));
  });
});

const skip = await postgresUnavailable();
if (skip) describe('PostgreSQL stores', { skip }, () => undefined);
else {
  const schemas = new TestSchemas();
  after(() => schemas.dropAll());

  describe('PostgreSQL migrations', () => {
    it('records each version once in deepline_migrations, applies nothing twice, and refuses a newer schema', async () => {
      const url = schemas.next();
      const db = PgDatabase.open(url);
      try {
        const schema = { label: 'test store', component: 'probe', migrations: ['CREATE TABLE probe (a INT)', 'ALTER TABLE probe ADD COLUMN b INT'] };
        assert.equal(await migratePostgres(db, schema), 2);
        // Again: nothing to apply (a second CREATE TABLE would fail).
        assert.equal(await migratePostgres(db, schema), 2);
        const rows = await db.query<{ version: number }>('t', 'read', 'SELECT version FROM deepline_migrations WHERE component = $1 ORDER BY version', ['probe']);
        assert.deepEqual(rows.map((r) => r.version), [1, 2]);
        await assert.rejects(migratePostgres(db, { ...schema, migrations: schema.migrations.slice(0, 1) }), isCode('DL_STORE', /has schema version 2, newer than this deepline \(1\)/));
      } finally {
        await db.close();
      }
    });

    it('lets several processes open a fresh schema at once: one creates the tables, none fails', async () => {
      const url = schemas.next();
      const name = 'first-open';
      // Each child opens the study store on the schema no one has created, then creates one study.
      const study = (await Promise.all(Array.from({ length: 4 }, (_, k) => runChild(fixture('open-study-store.ts'), [url, name, String(k)])))).flat();
      assert.equal(study.filter((l) => l === 'opened').length, 4);
      const store = await PgStudyStore.open(PgDatabase.open(url), { ownsDatabase: true });
      try {
        const version = await store.schemaVersion();
        const db = PgDatabase.open(url);
        const rows = await db.query<{ version: number }>('t', 'read', "SELECT version FROM deepline_migrations WHERE component = 'studies' ORDER BY version");
        await db.close();
        assert.ok(version >= 1);
        assert.deepEqual(rows.map((r) => r.version), Array.from({ length: version }, (_, k) => k + 1), 'every migration applied exactly once');
        assert.ok(await store.getStudy(name));
      } finally {
        await store.close();
      }
    });
  });

  describe('PostgreSQL study store under concurrent ask/tell', () => {
    it('gives 6 processes × 15 trials each a number of their own: none lost, none repeated, every value kept', async () => {
      const url = schemas.next();
      const store = await PgStudyStore.open(PgDatabase.open(url), { ownsDatabase: true });
      try {
        await store.createStudy({ name: 'hammer', objectives: [{ name: 'loss', direction: 'minimize' }], seed: 1 });
        const workers = 6;
        const each = 15;
        const outputs = await Promise.all(Array.from({ length: workers }, (_, w) => runChild(fixture('hammer-study.ts'), [url, 'hammer', String(each), String(w + 1)])));
        const told = outputs.map((lines) => JSON.parse(lines.at(-1)!) as Array<{ id: number; number: number; value: number }>);
        const trials = await store.listTrials('hammer');
        assert.equal(trials.length, workers * each);
        assert.deepEqual(trials.map((t) => t.number), Array.from({ length: workers * each }, (_, k) => k), 'numbers 0..n-1, each once');
        assert.equal(new Set(told.flat().map((t) => t.id)).size, workers * each, 'no trial handed to two processes');
        const byId = new Map(trials.map((t) => [t.id, t]));
        for (const t of told.flat()) {
          const stored = byId.get(t.id)!;
          assert.equal(stored.state, 'complete');
          assert.equal(stored.value, t.value);
          assert.deepEqual(stored.intermediate, [{ step: 1, value: t.value }]);
          assert.equal(stored.number, t.number);
        }
        // Interleaved, not one process after another: some process's trials are not contiguous.
        const owners = trials.map((t) => Math.floor((t.value ?? 0) / 1000));
        assert.ok(owners.some((w, k) => k > 0 && w !== owners[k - 1] && owners.slice(k + 1).includes(owners[k - 1]!)), `trials ran concurrently: ${owners.join(',')}`);
      } finally {
        await store.close();
      }
    });
  });

  describe('PostgreSQL run locks', () => {
    it('lets one writer hold a run across processes, names it to the next, and frees it when that process is killed', async () => {
      const url = schemas.next();
      const locks = await PgRunLocks.open(PgDatabase.open(url), { ownsDatabase: true });
      const child = spawn(process.execPath, ['--import', 'tsx', fixture('hold-pg-lock.ts'), url, 'run-held'], { stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        const lines = createInterface({ input: child.stdout });
        const [first] = (await once(lines, 'line')) as [string];
        assert.equal(first, 'locked');
        assert.equal(await locks.isLive('run-held'), true);
        assert.equal(await locks.status({ id: 'run-held', status: 'running' }), 'running');
        await assert.rejects(locks.lockRun('run-held'), isCode('DL_RUN_LOCKED', new RegExp(`^run run-held is in progress \\(pid ${child.pid}\\)$`)));
        // Another run is not blocked.
        await (await locks.lockRun('run-other')).release();
        child.kill('SIGKILL');
        await once(child, 'exit');
        // The server notices the closed connection; allow it a moment.
        const deadline = Date.now() + 10_000;
        while ((await locks.isLive('run-held')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.equal(await locks.status({ id: 'run-held', status: 'running' }), 'interrupted');
        const taken = await locks.lockRun('run-held');
        assert.equal(await locks.isLive('run-held'), true);
        await taken.release();
        await taken.release();
        assert.equal(await locks.isLive('run-held'), false);
      } finally {
        child.kill('SIGKILL');
        await locks.close();
      }
    });

    it('locks an output folder per machine, naming the run that publishes into it', async () => {
      const locks = await PgRunLocks.open(PgDatabase.open(schemas.next()), { ownsDatabase: true });
      try {
        const lock = await locks.lockOutput('/tmp/deepline-out/iris');
        await assert.rejects(locks.lockOutput('/tmp/deepline-out/./iris'), isCode('DL_RUN_LOCKED', /^another deepline run is in progress \(pid \d+\), publishing to \/tmp\/deepline-out\/iris$/));
        await lock.describe('run-7');
        await assert.rejects(locks.lockOutput('/tmp/deepline-out/iris'), isCode('DL_RUN_LOCKED', /^run run-7 is in progress/));
        await lock.release();
        await (await locks.lockOutput('/tmp/deepline-out/iris')).release();
      } finally {
        await locks.close();
      }
    });
  });

  describe('PostgreSQL store errors', () => {
    it('names the server and says what to do when PostgreSQL cannot be reached', async () => {
      const store = PgDatabase.open('postgres://nobody@127.0.0.1:1/none');
      try {
        await assert.rejects(PgStudyStore.open(store), isCode('DL_STORE', /^study store at postgres:\/\/nobody@127\.0\.0\.1:1\/none\?schema=deepline: migrate could not reach PostgreSQL/));
      } finally {
        await store.close();
      }
    });

    it('uses the schema of its URL and nothing else', async () => {
      const url = schemas.next();
      const store = await PgStudyStore.open(PgDatabase.open(url), { ownsDatabase: true });
      await store.createStudy({ name: 'only-here', objectives: [{ name: 'loss', direction: 'minimize' }], seed: 1 });
      await store.close();
      const schema = new URL(url).searchParams.get('schema');
      const client = new pg.Client({ connectionString: url.replace(/\?.*$/, '') });
      await client.connect();
      try {
        const { rows } = await client.query<{ table_schema: string }>("SELECT DISTINCT table_schema FROM information_schema.tables WHERE table_name = 'studies' AND table_schema = $1", [schema]);
        assert.deepEqual(rows.map((r) => r.table_schema), [schema]);
        const other = await PgStudyStore.open(PgDatabase.open(schemas.next()), { ownsDatabase: true });
        assert.equal(await other.getStudy('only-here'), undefined);
        await other.close();
      } finally {
        await client.end();
      }
    });
  });
}

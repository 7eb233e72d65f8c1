import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { DeeplineError } from '../../src/errors/index.ts';
import type { ArtifactRef } from '../../src/store/artifacts/artifact-store.ts';
import { FsArtifactStore } from '../../src/store/artifacts/fs-artifact-store.ts';
import { PgArtifactStore } from '../../src/store/postgres/pg-artifact-store.ts';
import { PgDatabase } from '../../src/store/postgres/pg-database.ts';
import { artifactStoreConformance, type ArtifactDamage } from '../../src/testing/artifact-store-conformance.ts';
import { postgresUnavailable, TestSchemas } from '../../src/testing/postgres-test-database.ts';

// The same suite on both implementations, so a difference shows as one failing side.
artifactStoreConformance('FsArtifactStore', async () => {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-fs-store-'));
  const root = path.join(dir, 'artifacts');
  const store = new FsArtifactStore(root);
  return {
    store,
    reopen: async () => new FsArtifactStore(root),
    dispose: () => fs.rm(dir, { recursive: true, force: true }),
    async damage(ref: ArtifactRef, file: string, how: ArtifactDamage) {
      // Stored files are read-only, as a user or a disk would meet them: chmod first.
      const data = await store.localPath(ref);
      const target = file === '' ? data : path.join(data, file);
      if (how === 'add') return fs.writeFile(target, 'added');
      await fs.chmod(target, 0o644);
      const bytes = await fs.readFile(target);
      if (how === 'delete') return fs.rm(target);
      if (how === 'truncate') return fs.truncate(target, Math.floor(bytes.length / 2));
      bytes[0] ^= 0xff;
      await fs.writeFile(target, bytes);
    },
  };
});

/** Damages an object's rows the way a stray DELETE or UPDATE would. */
async function damageRows(url: string, ref: ArtifactRef, file: string, how: ArtifactDamage): Promise<void> {
  const schema = new URL(url).searchParams.get('schema')!;
  const client = new pg.Client({ connectionString: url.replace(/\?.*$/, ''), options: `-c search_path=${schema}` });
  await client.connect();
  try {
    if (how === 'add') await client.query("INSERT INTO artifact_chunks (hash, path, seq, data) VALUES ($1, $2, 0, 'added')", [ref.hash, file]);
    else if (how === 'delete') await client.query('DELETE FROM artifact_chunks WHERE hash = $1 AND path = $2', [ref.hash, file]);
    else if (how === 'edit') await client.query('UPDATE artifact_chunks SET data = set_byte(data, 0, get_byte(data, 0) # 255) WHERE hash = $1 AND path = $2 AND seq = 0', [ref.hash, file]);
    else {
      const { rows } = await client.query<{ data: Buffer }>('SELECT data FROM artifact_chunks WHERE hash = $1 AND path = $2 ORDER BY seq', [ref.hash, file]);
      const bytes = Buffer.concat(rows.map((r) => r.data));
      await client.query('DELETE FROM artifact_chunks WHERE hash = $1 AND path = $2', [ref.hash, file]);
      await client.query('INSERT INTO artifact_chunks (hash, path, seq, data) VALUES ($1, $2, 0, $3)', [ref.hash, file, bytes.subarray(0, Math.floor(bytes.length / 2))]);
    }
  } finally {
    await client.end();
  }
}

const skip = await postgresUnavailable();
if (skip) describe('ArtifactStore conformance: PgArtifactStore', { skip }, () => undefined);
else {
  const schemas = new TestSchemas();
  after(() => schemas.dropAll());
  const openStore = async (url: string, cacheDir: string) => PgArtifactStore.open(PgDatabase.open(url), { ownsDatabase: true, cacheDir });

  artifactStoreConformance('PgArtifactStore', async () => {
    const url = schemas.next();
    const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-pg-artifacts-'));
    const open = [await openStore(url, path.join(dir, 'cache'))];
    return {
      store: open[0],
      // Another machine: a cache of its own, so what it reads comes from PostgreSQL.
      async reopen() {
        open.push(await openStore(url, path.join(dir, `cache-${open.length}`)));
        return open[open.length - 1];
      },
      damage: (ref, file, how) => damageRows(url, ref, file, how),
      async dispose() {
        for (const s of open) await s.close();
        await schemas.drop(url);
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  });

  describe('PgArtifactStore specifics', () => {
    const withStores = async (fn: (a: PgArtifactStore, b: PgArtifactStore, scratch: string, url: string) => Promise<void>) => {
      const url = schemas.next();
      const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-pg-artifacts-'));
      const a = await openStore(url, path.join(dir, 'a', 'cache'));
      const b = await openStore(url, path.join(dir, 'b', 'cache'));
      try {
        await fs.mkdir(path.join(dir, 'src'));
        await fn(a, b, path.join(dir, 'src'), url);
      } finally {
        await a.close();
        await b.close();
        await schemas.drop(url);
        await fs.rm(dir, { recursive: true, force: true });
      }
    };

    it('streams a multi-chunk folder to another machine through PostgreSQL, byte for byte', () =>
      withStores(async (a, b, scratch) => {
        const big = Buffer.alloc(2.5 * 1024 * 1024);
        for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
        await fs.mkdir(path.join(scratch, 'model', 'weights'), { recursive: true });
        await fs.writeFile(path.join(scratch, 'model', 'weights', 'w.bin'), big);
        await fs.writeFile(path.join(scratch, 'model', 'empty.txt'), '');
        const ref = await a.putDir(path.join(scratch, 'model'));
        assert.equal(await b.cache.has(ref.hash), false, 'b has not read it yet');
        const local = await b.localPath(ref);
        assert.ok(local.startsWith(path.dirname(b.cache.root)), `served from b's cache: ${local}`);
        assert.ok((await fs.readFile(path.join(local, 'weights', 'w.bin'))).equals(big));
        assert.equal(await fs.readFile(path.join(local, 'empty.txt'), 'utf8'), '');
        assert.equal((await b.verify(ref.hash, { full: true })).status, 'ok');
      }));

    it('refuses to serve damaged rows to a machine without a cached copy, naming the file', () =>
      withStores(async (a, b, scratch, url) => {
        await fs.writeFile(path.join(scratch, 'f.bin'), 'some weights');
        const ref = await a.putFile(path.join(scratch, 'f.bin'));
        await damageRows(url, ref, '', 'edit');
        await assert.rejects(b.localPath(ref), (e: unknown) => e instanceof DeeplineError && e.code === 'DL_STORE' && /damaged: the data file does not match/.test(e.message));
        assert.equal(await b.cache.has(ref.hash), false, 'nothing unverified reached the cache');
      }));
  });
}

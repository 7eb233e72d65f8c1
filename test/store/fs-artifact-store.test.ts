import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DeeplineError } from '../../src/errors/index.ts';
import { FsArtifactStore } from '../../src/store/artifacts/fs-artifact-store.ts';
import { artifactStoreConformance } from '../../src/testing/artifact-store-conformance.ts';

artifactStoreConformance('FsArtifactStore', async () => {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-fs-store-'));
  const root = path.join(dir, 'artifacts');
  return {
    store: new FsArtifactStore(root),
    reopen: async () => new FsArtifactStore(root),
    dispose: () => fs.rm(dir, { recursive: true, force: true }),
  };
});

async function withRoot(fn: (root: string, scratch: string) => Promise<void>): Promise<void> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-fs-store-'));
  try {
    await fs.mkdir(path.join(dir, 'src'));
    await fn(path.join(dir, 'artifacts'), path.join(dir, 'src'));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function countObjects(root: string): Promise<number> {
  let n = 0;
  for (const shard of await fs.readdir(path.join(root, 'objects'))) n += (await fs.readdir(path.join(root, 'objects', shard))).length;
  return n;
}

describe('FsArtifactStore specifics', () => {
  it('stores equal content once and leaves no temp folders behind', () =>
    withRoot(async (root, scratch) => {
      const store = new FsArtifactStore(root);
      await fs.writeFile(path.join(scratch, 'f.txt'), '{"a":1}');
      await Promise.all([store.putJson({ a: 1 }), store.putJson({ a: 1 }), store.putJson({ a: 2 })]);
      // Same bytes as the JSON above: one object, whichever kind came first.
      await store.putFile(path.join(scratch, 'f.txt'));
      assert.equal(await countObjects(root), 2);
      assert.deepEqual(await fs.readdir(path.join(root, 'tmp')), []);
    }));

  it('makes stored files read-only', () =>
    withRoot(async (root, scratch) => {
      const store = new FsArtifactStore(root);
      await fs.mkdir(path.join(scratch, 'd'));
      await fs.writeFile(path.join(scratch, 'd', 'w.bin'), 'weights');
      const ref = await store.putDir(path.join(scratch, 'd'));
      const stat = await fs.stat(path.join(await store.localPath(ref), 'w.bin'));
      assert.equal(stat.mode & 0o222, 0, 'no write bits');
    }));

  it('refuses symbolic links inside a directory', () =>
    withRoot(async (root, scratch) => {
      const store = new FsArtifactStore(root);
      await fs.mkdir(path.join(scratch, 'd'));
      await fs.writeFile(path.join(scratch, 'target.txt'), 't');
      await fs.symlink(path.join(scratch, 'target.txt'), path.join(scratch, 'd', 'link.txt'));
      await assert.rejects(store.putDir(path.join(scratch, 'd')), (e: unknown) => e instanceof DeeplineError && /symbolic link/.test(e.message));
      assert.equal(await fs.readdir(path.join(root, 'objects')).catch(() => []).then((x) => x.length), 0);
    }));

  it('never shows the half-written content of a killed writer, and sweeps it on the next put', () =>
    withRoot(async (root, scratch) => {
      // A finished child's pid stands for a writer that was killed mid-put.
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      assert.ok(dead);
      const orphan = path.join(root, 'tmp', `${dead}-0000`);
      await fs.mkdir(path.join(orphan, 'data'), { recursive: true });
      await fs.writeFile(path.join(orphan, 'data', 'part.bin'), 'half');
      const live = path.join(root, 'tmp', `${process.pid}-live`);
      await fs.mkdir(live);
      const store = new FsArtifactStore(root);
      await fs.writeFile(path.join(scratch, 'half.bin'), 'half');
      const ref = await store.putFile(path.join(scratch, 'half.bin'));
      assert.equal(await fs.readFile(await store.localPath(ref), 'utf8'), 'half');
      const left = await fs.readdir(path.join(root, 'tmp'));
      assert.deepEqual(left, [`${process.pid}-live`], 'the orphan is gone, a live writer’s folder stays');
    }));

  it('copies but never moves content out of the store', () =>
    withRoot(async (root, scratch) => {
      const store = new FsArtifactStore(root);
      await fs.mkdir(path.join(scratch, 'd'));
      await fs.writeFile(path.join(scratch, 'd', 'x'), 'x');
      const ref = await store.putDir(path.join(scratch, 'd'));
      const inside = await store.localPath(ref);
      await assert.rejects(store.putDir(inside, { move: true }), (e: unknown) => e instanceof DeeplineError && /copied, not moved/.test(e.message));
      assert.equal(await fs.readFile(path.join(inside, 'x'), 'utf8'), 'x');
      assert.deepEqual(await store.putDir(inside), ref);
    }));

  it('reports a corrupted object instead of returning a wrong ref', () =>
    withRoot(async (root) => {
      const store = new FsArtifactStore(root);
      const ref = await store.putJson({ x: 1 });
      const meta = path.join(root, 'objects', ref.hash.slice(0, 2), ref.hash, 'meta.json');
      await fs.chmod(meta, 0o644);
      await fs.writeFile(meta, '{"format":99}');
      await assert.rejects(store.get(ref.hash), (e: unknown) => e instanceof DeeplineError && e.code === 'DL_STORE');
    }));
});

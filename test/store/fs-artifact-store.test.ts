import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DeeplineError } from '../../src/errors/index.ts';
import { FsArtifactStore } from '../../src/store/artifacts/fs-artifact-store.ts';

// The conformance suite runs in artifact-store-conformance.test.ts, beside PostgreSQL's.

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

  it('treats a deleted or garbled meta.json as damage that a put of the same content repairs', () =>
    withRoot(async (root, scratch) => {
      const store = new FsArtifactStore(root);
      await fs.mkdir(path.join(scratch, 'd'));
      await fs.writeFile(path.join(scratch, 'd', 'x.bin'), 'xx');
      const ref = await store.putDir(path.join(scratch, 'd'));
      const meta = path.join(root, 'objects', ref.hash.slice(0, 2), ref.hash, 'meta.json');
      await fs.rm(meta);
      assert.equal(await store.has(ref.hash), false);
      assert.deepEqual((await store.verify(ref.hash)).problems, ['meta.json is missing']);
      assert.deepEqual(await store.putDir(path.join(scratch, 'd')), ref);
      assert.equal((await store.verify(ref.hash)).status, 'ok');

      await fs.chmod(meta, 0o644);
      await fs.writeFile(meta, '{"format":2,"hash":"');
      assert.deepEqual((await store.verify(ref.hash)).problems, ['meta.json is unreadable or names another artifact']);
      assert.deepEqual(await store.putDir(path.join(scratch, 'd')), ref);
      assert.equal((await store.verify(ref.hash)).status, 'ok');
    }));

  it('rejects a manifest that does not add up to the hash, so an edited meta.json cannot vouch for edited data', () =>
    withRoot(async (root, scratch) => {
      const store = new FsArtifactStore(root);
      await fs.mkdir(path.join(scratch, 'd'));
      await fs.writeFile(path.join(scratch, 'd', 'x.bin'), 'xx');
      const ref = await store.putDir(path.join(scratch, 'd'));
      const dir = path.join(root, 'objects', ref.hash.slice(0, 2), ref.hash);
      const meta = JSON.parse(await fs.readFile(path.join(dir, 'meta.json'), 'utf8')) as { files: { path: string; size: number; sha256: string }[] };
      await fs.chmod(path.join(dir, 'data', 'x.bin'), 0o644);
      await fs.writeFile(path.join(dir, 'data', 'x.bin'), 'yyy');
      meta.files[0] = { path: 'x.bin', size: 3, sha256: createHash('sha256').update('yyy').digest('hex') };
      await fs.chmod(path.join(dir, 'meta.json'), 0o644);
      await fs.writeFile(path.join(dir, 'meta.json'), JSON.stringify({ ...meta, size: 3 }));
      assert.deepEqual((await store.verify(ref.hash)).problems, ["the manifest in meta.json does not match the artifact's hash"]);
    }));

  it('hashes files up to its threshold on every check, larger ones only on a full check', () =>
    withRoot(async (root, scratch) => {
      const store = new FsArtifactStore(root, { hashFilesUpTo: 4 });
      await fs.mkdir(path.join(scratch, 'd'));
      await fs.writeFile(path.join(scratch, 'd', 'small.txt'), 'abc');
      await fs.writeFile(path.join(scratch, 'd', 'large.txt'), 'abcdefgh');
      const ref = await store.putDir(path.join(scratch, 'd'));
      const data = await store.localPath(ref);
      await fs.chmod(path.join(data, 'large.txt'), 0o644);
      await fs.writeFile(path.join(data, 'large.txt'), 'ABCDEFGH');
      assert.equal((await store.verify(ref.hash)).status, 'ok', 'a same-size edit of a large file needs a full check');
      assert.deepEqual((await store.verify(ref.hash, { full: true })).problems, ['large.txt was changed: its content no longer matches the sha256 recorded']);
      await fs.chmod(path.join(data, 'small.txt'), 0o644);
      await fs.writeFile(path.join(data, 'small.txt'), 'ABC');
      assert.deepEqual((await store.verify(ref.hash)).problems, ['small.txt was changed: its content no longer matches the sha256 recorded']);
    }));

  it('verifies objects stored before manifests against their hash and records the manifest then', () =>
    withRoot(async (root, scratch) => {
      const store = new FsArtifactStore(root);
      await fs.mkdir(path.join(scratch, 'd', 'sub'), { recursive: true });
      await fs.writeFile(path.join(scratch, 'd', 'a.txt'), 'aa');
      await fs.writeFile(path.join(scratch, 'd', 'sub', 'b.txt'), 'bbb');
      await fs.writeFile(path.join(scratch, 'f.txt'), 'ffff');
      const dirRef = await store.putDir(path.join(scratch, 'd'));
      const fileRef = await store.putFile(path.join(scratch, 'f.txt'));
      const jsonRef = await store.putJson({ old: true });
      const metaOf = (hash: string) => path.join(root, 'objects', hash.slice(0, 2), hash, 'meta.json');
      // Rewrite each meta.json as deepline wrote it before manifests (format 1).
      for (const ref of [dirRef, fileRef, jsonRef]) {
        await fs.chmod(metaOf(ref.hash), 0o644);
        await fs.writeFile(metaOf(ref.hash), JSON.stringify({ format: 1, hash: ref.hash, kind: ref.kind, size: ref.size }));
      }
      assert.deepEqual(await store.get(dirRef.hash), dirRef, 'old objects stay readable');
      for (const ref of [dirRef, fileRef, jsonRef]) assert.equal((await store.verify(ref.hash)).status, 'ok', ref.kind);
      const upgraded = JSON.parse(await fs.readFile(metaOf(dirRef.hash), 'utf8')) as { format: number; files: unknown[] };
      assert.equal(upgraded.format, 2);
      assert.deepEqual(upgraded.files, [
        { path: 'a.txt', size: 2, sha256: createHash('sha256').update('aa').digest('hex') },
        { path: 'sub/b.txt', size: 3, sha256: createHash('sha256').update('bbb').digest('hex') },
      ]);
      // Now the manifest names a file that goes missing later.
      await fs.rm(path.join(await store.localPath(dirRef), 'sub', 'b.txt'), { force: true });
      assert.deepEqual((await store.verify(dirRef.hash)).problems, ['sub/b.txt is missing']);

      // An old object damaged before its first check: caught by its hash, the file unknown.
      await fs.chmod(metaOf(fileRef.hash), 0o644);
      await fs.writeFile(metaOf(fileRef.hash), JSON.stringify({ format: 1, hash: fileRef.hash, kind: 'file', size: 4 }));
      const data = await store.localPath(fileRef);
      await fs.chmod(data, 0o644);
      await fs.writeFile(data, 'FFFF');
      const check = await store.verify(fileRef.hash);
      assert.equal(check.status, 'damaged');
      assert.match(check.problems[0], /no longer matches its hash/);
      assert.equal(JSON.parse(await fs.readFile(metaOf(fileRef.hash), 'utf8')).format, 1, 'a damaged object gets no manifest');
    }));
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DeeplineError } from '../errors/index.ts';
import type { ArtifactStore } from '../store/artifacts/artifact-store.ts';
import type { StoreFactory } from './store-fixture.ts';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
/** The directory hash every store must compute: one `<posix path>\0<sha256>\n` line per file, sorted by path. */
const treeHash = (files: Record<string, string>) =>
  sha256(
    Object.keys(files)
      .sort()
      .map((rel) => `${rel}\0${sha256(files[rel])}\n`)
      .join(''),
  );

/**
 * The contract every ArtifactStore must meet (see artifact-store.ts), including the exact hash
 * of JSON, files and directories, so that cache keys agree across stores. Registers node:test
 * tests; each gets its own store from `factory` and its own scratch folder for sources.
 */
export function artifactStoreConformance(label: string, factory: StoreFactory<ArtifactStore>): void {
  const withStore = async (fn: (store: ArtifactStore, scratch: string) => Promise<void>) => {
    const fixture = await factory();
    const scratch = await fs.mkdtemp(path.join(tmpdir(), 'deepline-artifact-src-'));
    try {
      await fn(fixture.store, scratch);
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
      await fixture.dispose();
    }
  };
  const writeTree = async (root: string, files: Record<string, string>) => {
    for (const [rel, text] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await fs.writeFile(path.join(root, rel), text);
    }
    return root;
  };
  const isStoreError = (e: unknown) => e instanceof DeeplineError && e.code === 'DL_STORE';

  describe(`ArtifactStore conformance: ${label}`, () => {
    it('stores JSON under the sha256 of its canonical form and reads it back', () =>
      withStore(async (store) => {
        const ref = await store.putJson({ b: [1, 2, { y: null, x: 'é' }], a: true });
        const canonical = '{"a":true,"b":[1,2,{"x":"é","y":null}]}';
        assert.equal(ref.hash, sha256(canonical));
        assert.equal(ref.kind, 'json');
        assert.equal(ref.size, Buffer.byteLength(canonical));
        assert.ok(Object.isFrozen(ref));
        assert.deepEqual(await store.readJson(ref), { a: true, b: [1, 2, { x: 'é', y: null }] });
        assert.equal(await fs.readFile(await store.localPath(ref), 'utf8'), canonical);
        const reordered = await store.putJson({ a: true, b: [1, 2, { x: 'é', y: null }] });
        assert.deepEqual(reordered, ref);
        assert.notEqual((await store.putJson({ a: true, b: [2, 1, { x: 'é', y: null }] })).hash, ref.hash);
      }));

    it('refuses JSON values that would hash ambiguously', () =>
      withStore(async (store) => {
        await assert.rejects(store.putJson({ loss: Number.NaN }), DeeplineError);
        await assert.rejects(store.putJson(new Map([['a', 1]])), DeeplineError);
      }));

    it('stores a file under the sha256 of its bytes, by copy or by move', () =>
      withStore(async (store, scratch) => {
        const src = path.join(scratch, 'weights.bin');
        await fs.writeFile(src, 'hello\n');
        const ref = await store.putFile(src);
        assert.equal(ref.hash, '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
        assert.equal(ref.kind, 'file');
        assert.equal(ref.size, 6);
        assert.equal(await fs.readFile(src, 'utf8'), 'hello\n', 'a copy leaves the source');
        // Stored content is a snapshot: later writes to the source do not reach it.
        await fs.writeFile(src, 'changed\n');
        assert.equal(await fs.readFile(await store.localPath(ref), 'utf8'), 'hello\n');
        const moved = await store.putFile(src, { move: true });
        assert.equal(moved.hash, sha256('changed\n'));
        await assert.rejects(fs.access(src), 'a move consumes the source');
        assert.equal(await fs.readFile(await store.localPath(moved), 'utf8'), 'changed\n');
      }));

    it('hashes a directory from its sorted relative paths and file hashes', () =>
      withStore(async (store, scratch) => {
        const files = { 'b.txt': 'bee', 'a/z.txt': 'zed', 'a/y/x.txt': 'ex', 'a.txt': '' };
        const ref = await store.putDir(await writeTree(path.join(scratch, 'one'), files));
        assert.equal(ref.kind, 'dir');
        assert.equal(ref.hash, treeHash(files));
        assert.equal(ref.size, 3 + 3 + 2);
        const local = await store.localPath(ref);
        assert.equal(await fs.readFile(path.join(local, 'a', 'y', 'x.txt'), 'utf8'), 'ex');
        // Same content elsewhere, plus an empty folder (not content): same hash.
        const two = await writeTree(path.join(scratch, 'two'), files);
        await fs.mkdir(path.join(two, 'empty', 'deeper'), { recursive: true });
        assert.equal((await store.putDir(two)).hash, ref.hash);
        const renamed = { ...files, 'c.txt': 'bee' } as Record<string, string>;
        delete renamed['b.txt'];
        assert.equal((await store.putDir(await writeTree(path.join(scratch, 'three'), renamed))).hash, treeHash(renamed));
        assert.notEqual(treeHash(renamed), ref.hash);
        const edited = { ...files, 'a/z.txt': 'zee' };
        assert.notEqual((await store.putDir(await writeTree(path.join(scratch, 'four'), edited))).hash, ref.hash);
        const moved = await store.putDir(two, { move: true });
        assert.equal(moved.hash, ref.hash);
        await assert.rejects(fs.access(two), 'a move consumes the source');
      }));

    it('is idempotent, also under concurrent puts of the same content', () =>
      withStore(async (store, scratch) => {
        const dir = await writeTree(path.join(scratch, 'd'), { 'x.txt': 'x', 'y/z.txt': 'z' });
        const refs = await Promise.all([store.putDir(dir), store.putDir(dir), store.putDir(dir), store.putDir(dir)]);
        for (const r of refs) assert.deepEqual(r, refs[0]);
        const jsons = await Promise.all(Array.from({ length: 5 }, () => store.putJson({ same: 1 })));
        for (const r of jsons) assert.deepEqual(r, jsons[0]);
        assert.deepEqual(await store.get(refs[0].hash), refs[0]);
      }));

    it('answers has/get only for stored content, and never for malformed hashes', () =>
      withStore(async (store) => {
        const ref = await store.putJson([1, 2, 3]);
        assert.equal(await store.has(ref.hash), true);
        assert.deepEqual(await store.get(ref.hash), ref);
        const absent = sha256('never stored');
        assert.equal(await store.has(absent), false);
        assert.equal(await store.get(absent), undefined);
        for (const bad of ['', '../../etc/passwd', ref.hash.toUpperCase(), `${ref.hash}/..`]) {
          assert.equal(await store.has(bad), false, bad);
          assert.equal(await store.get(bad), undefined, bad);
        }
        await assert.rejects(store.localPath({ ...ref, hash: absent }), isStoreError);
        await assert.rejects(store.readJson({ ...ref, hash: absent }), isStoreError);
      }));

    it('refuses to read a directory as JSON, and to put a missing path', () =>
      withStore(async (store, scratch) => {
        const dir = await store.putDir(await writeTree(path.join(scratch, 'd'), { 'a.json': '{}' }));
        await assert.rejects(store.readJson(dir), isStoreError);
        await assert.rejects(store.putFile(path.join(scratch, 'missing.bin')), isStoreError);
        await assert.rejects(store.putDir(path.join(scratch, 'missing')), isStoreError);
        await assert.rejects(store.putFile(path.join(scratch, 'd')), isStoreError);
      }));

    it('keeps content after reopen', async () => {
      const fixture = await factory();
      try {
        const ref = await fixture.store.putJson({ kept: true });
        const again = await fixture.reopen();
        assert.deepEqual(await again.get(ref.hash), ref);
        assert.deepEqual(await again.readJson(ref), { kept: true });
      } finally {
        await fixture.dispose();
      }
    });
  });
}

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DeeplineError } from '../errors/index.ts';
import type { ArtifactCheck, ArtifactRef, ArtifactStore } from '../store/artifacts/artifact-store.ts';
import type { StoreFixture } from './store-fixture.ts';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
/** The directory hash every store must compute: one `<posix path>\0<sha256>\n` line per file, sorted by path. */
const treeHash = (files: Record<string, string>) =>
  sha256(
    Object.keys(files)
      .sort()
      .map((rel) => `${rel}\0${sha256(files[rel])}\n`)
      .join(''),
  );

/** How a test damages stored content behind the store's back: as a disk fault or a stray `rm` would. */
export type ArtifactDamage = 'delete' | 'truncate' | 'edit' | 'add';

/** An artifact store under test, plus a way to damage what it holds. */
export interface ArtifactStoreFixture extends StoreFixture<ArtifactStore> {
  /**
   * Damages one stored file of `ref`, named by its manifest path (`''` for a json or file
   * artifact): `delete` it, `truncate` it to half, `edit` it keeping its size, or `add` a new
   * file beside it (directories only).
   */
  damage(ref: ArtifactRef, file: string, how: ArtifactDamage): Promise<void>;
}

/**
 * The contract every ArtifactStore must meet (see artifact-store.ts), including the exact hash
 * of JSON, files and directories, so that cache keys agree across stores, and the manifest check
 * that catches damaged content. Registers node:test tests; each gets its own store from
 * `factory` and its own scratch folder for sources.
 */
export function artifactStoreConformance(label: string, factory: () => Promise<ArtifactStoreFixture>): void {
  const withStore = async (fn: (store: ArtifactStore, scratch: string, fixture: ArtifactStoreFixture) => Promise<void>) => {
    const fixture = await factory();
    const scratch = await fs.mkdtemp(path.join(tmpdir(), 'deepline-artifact-src-'));
    try {
      await fn(fixture.store, scratch, fixture);
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
  const damaged = (check: ArtifactCheck, pattern: RegExp) => {
    assert.equal(check.status, 'damaged', JSON.stringify(check));
    assert.ok(check.problems.some((p) => pattern.test(p)), `no problem matches ${pattern}: ${JSON.stringify(check.problems)}`);
  };

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

    it('verifies fresh content as intact, quickly and in full, and absent content as missing', () =>
      withStore(async (store, scratch) => {
        await fs.writeFile(path.join(scratch, 'f.bin'), 'file bytes');
        const refs = [
          await store.putJson({ fresh: true }),
          await store.putFile(path.join(scratch, 'f.bin')),
          await store.putDir(await writeTree(path.join(scratch, 'd'), { 'a.txt': 'a', 'sub/b.txt': 'bb' })),
        ];
        for (const ref of refs) {
          for (const full of [false, true]) {
            const check = await store.verify(ref.hash, { full });
            assert.deepEqual({ ...check, problems: [...check.problems] }, { hash: ref.hash, status: 'ok', problems: [] });
            assert.ok(Object.isFrozen(check));
          }
        }
        assert.equal((await store.verify(sha256('never stored'))).status, 'missing');
        assert.equal((await store.verify('../../etc')).status, 'missing');
        assert.deepEqual(new Set(await store.list()), new Set(refs.map((r) => r.hash)));
      }));

    it('names the file that was deleted, truncated, edited or added behind its back', () =>
      withStore(async (store, scratch, fixture) => {
        const cases: Array<[ArtifactDamage, string, RegExp]> = [
          ['delete', 'w/weights.bin', /w\/weights\.bin is missing/],
          ['truncate', 'w/weights.bin', /w\/weights\.bin has \d+ bytes, expected \d+/],
          ['edit', 'model.json', /model\.json was changed/],
          ['add', 'extra.txt', /extra\.txt is not part of the artifact/],
        ];
        for (const [how, file, pattern] of cases) {
          const ref = await store.putDir(await writeTree(path.join(scratch, how), { 'model.json': `{"tag":"${how}"}`, 'w/weights.bin': `weights of ${how}` }));
          await fixture.damage(ref, file, how);
          // Small files are always hashed, so even a same-size edit is caught without `full`.
          damaged(await store.verify(ref.hash), pattern);
          damaged(await store.verify(ref.hash, { full: true }), pattern);
          assert.ok((await store.list()).includes(ref.hash), 'a damaged object is still listed');
        }
        const json = await store.putJson({ small: 'json' });
        await fixture.damage(json, '', 'truncate');
        damaged(await store.verify(json.hash), /has \d+ bytes, expected \d+/);
        await fs.writeFile(path.join(scratch, 'f.bin'), 'a single file');
        const file = await store.putFile(path.join(scratch, 'f.bin'));
        await fixture.damage(file, '', 'delete');
        damaged(await store.verify(file.hash), /missing/);
      }));

    it('catches a same-size edit of a large file with a full check', () =>
      withStore(async (store, scratch, fixture) => {
        const big = Buffer.alloc(3 * 1024 * 1024, 7);
        await fs.mkdir(path.join(scratch, 'd'));
        await fs.writeFile(path.join(scratch, 'd', 'big.bin'), big);
        const ref = await store.putDir(path.join(scratch, 'd'));
        await fixture.damage(ref, 'big.bin', 'edit');
        damaged(await store.verify(ref.hash, { full: true }), /big\.bin was changed/);
      }));

    it('repairs a damaged object when the same content is put again', () =>
      withStore(async (store, scratch, fixture) => {
        const files = { 'model.json': '{"layers":3}', 'weights.bin': 'the weights' };
        const ref = await store.putDir(await writeTree(path.join(scratch, 'one'), files));
        await fixture.damage(ref, 'weights.bin', 'delete');
        assert.equal((await store.verify(ref.hash)).status, 'damaged');
        assert.deepEqual(await store.putDir(await writeTree(path.join(scratch, 'two'), files)), ref);
        assert.equal((await store.verify(ref.hash, { full: true })).status, 'ok');
        assert.equal(await fs.readFile(path.join(await store.localPath(ref), 'weights.bin'), 'utf8'), 'the weights');

        const json = await store.putJson({ repaired: [1, 2] });
        await fixture.damage(json, '', 'edit');
        assert.deepEqual(await store.putJson({ repaired: [1, 2] }), json);
        assert.deepEqual(await store.readJson(json), { repaired: [1, 2] });
      }));

    it('removes an object whole, after which it can be stored again', () =>
      withStore(async (store, scratch) => {
        const ref = await store.putDir(await writeTree(path.join(scratch, 'd'), { 'x.txt': 'x' }));
        const other = await store.putJson({ stays: true });
        assert.equal(await store.remove(ref.hash), true);
        assert.equal(await store.has(ref.hash), false);
        assert.equal(await store.get(ref.hash), undefined);
        assert.equal((await store.verify(ref.hash)).status, 'missing');
        assert.deepEqual(await store.list(), [other.hash]);
        assert.equal(await store.remove(ref.hash), false);
        assert.equal(await store.remove('not-a-hash'), false);
        assert.deepEqual(await store.putDir(path.join(scratch, 'd')), ref);
        assert.equal((await store.verify(ref.hash)).status, 'ok');
      }));
  });
}

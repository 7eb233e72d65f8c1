import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { once } from 'node:events';
import { DeeplineError } from '../../errors/index.ts';
import type { ArtifactCheck, ArtifactKind, ArtifactRef, ArtifactStore } from '../artifacts/artifact-store.ts';
import { FsArtifactStore } from '../artifacts/fs-artifact-store.ts';
import { manifestHash } from '../artifacts/manifest-hash.ts';
import type { ManifestEntry } from '../formats/artifact-meta.ts';
import type { PgSchema } from './migrate-postgres.ts';
import { advisoryKey, type PgClient, type PgDatabase } from './pg-database.ts';
import { PgStore, rowsOf, type PgStoreOptions } from './pg-store.ts';

const HASH_RE = /^[0-9a-f]{64}$/;
/** Bytes per stored chunk: big enough to keep the row count low, small enough to stream. */
const CHUNK_BYTES = 1024 * 1024;
/** Chunks fetched per query while reading a file back. */
const CHUNKS_PER_FETCH = 8;
/** Files up to this size are hashed by every `verify`, larger ones only by a full one. */
const HASH_FILES_UP_TO = 1024 * 1024;

/**
 * Objects are a row of `artifact_objects` (kind, size and the manifest: every file's path, size
 * and sha256) and the files' bytes in `artifact_chunks`, one row per chunk of up to 1 MiB (an
 * empty file is one empty chunk, so that every file has rows). Entries are never edited once released.
 */
const ARTIFACT_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE artifact_objects (
    hash       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('json', 'file', 'dir')),
    size       BIGINT NOT NULL,
    files      TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE artifact_chunks (
    hash TEXT NOT NULL,
    path TEXT NOT NULL,
    seq  INTEGER NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (hash, path, seq)
  );
  `,
];

const ARTIFACT_SCHEMA: PgSchema = { label: 'artifact store', component: 'artifacts', migrations: ARTIFACT_MIGRATIONS };

export interface PgArtifactStoreOptions extends PgStoreOptions {
  /** A local folder for the read-through cache (an FsArtifactStore): puts stage there, reads are served from it. */
  readonly cacheDir: string;
  /** Bytes up to which `verify` hashes a file's content even when not `full` (default 1 MiB). */
  readonly hashFilesUpTo?: number;
}

/**
 * A content-addressed artifact store in PostgreSQL, so that machines sharing nothing but the
 * database share artifacts. Same hashes and contract as FsArtifactStore (artifact-store.ts).
 *
 * A put first stores the content in a local FsArtifactStore (the cache: that snapshot is what is
 * hashed), then streams its files into PostgreSQL chunk by chunk, rehashing each file as it goes,
 * in one transaction that holds an advisory lock on the hash: the object appears whole or not at
 * all, and concurrent puts of the same content (from any machine) store it once. A put over a
 * damaged object replaces it.
 *
 * Reads go through the cache: `localPath` downloads a missing object chunk by chunk into a temp
 * folder, checks every file's size and sha256 and the object's hash against its address, and only
 * then moves it into the cache, so a step never reads unverified bytes. `verify` checks the copy in
 * PostgreSQL (not the cache), naming each missing, truncated, edited or added file.
 */
export class PgArtifactStore extends PgStore implements ArtifactStore {
  readonly cache: FsArtifactStore;
  private readonly cacheDir: string;
  private readonly hashFilesUpTo: number;

  private constructor(db: PgDatabase, options: PgArtifactStoreOptions) {
    super(db, ARTIFACT_SCHEMA, options);
    this.cacheDir = path.resolve(options.cacheDir);
    this.cache = new FsArtifactStore(this.cacheDir);
    this.hashFilesUpTo = options.hashFilesUpTo ?? HASH_FILES_UP_TO;
  }

  static async open(db: PgDatabase, options: PgArtifactStoreOptions): Promise<PgArtifactStore> {
    const store = new PgArtifactStore(db, options);
    await store.migrate();
    return store;
  }

  async putJson(value: unknown): Promise<ArtifactRef> {
    return this.upload(await this.cache.putJson(value), 'json');
  }

  async putFile(source: string, options: { move?: boolean } = {}): Promise<ArtifactRef> {
    return this.upload(await this.cache.putFile(source, options), 'file');
  }

  async putDir(source: string, options: { move?: boolean } = {}): Promise<ArtifactRef> {
    return this.upload(await this.cache.putDir(source, options), 'dir');
  }

  async has(hash: string): Promise<boolean> {
    if (!HASH_RE.test(hash)) return false;
    return (await this.rows('has', 'SELECT 1 FROM artifact_objects WHERE hash = $1', [hash])).length > 0;
  }

  async get(hash: string): Promise<ArtifactRef | undefined> {
    if (!HASH_RE.test(hash)) return undefined;
    const [row] = await this.rows('get', 'SELECT hash, kind, size FROM artifact_objects WHERE hash = $1', [hash]);
    return row && this.toRef(String(row.hash), row.kind as ArtifactKind, Number(row.size));
  }

  async readJson<T = unknown>(ref: ArtifactRef): Promise<T> {
    if (ref.kind === 'dir') throw storeError(`artifact ${ref.hash} is a directory, not JSON`);
    const text = await fs.readFile(await this.localPath(ref), 'utf8');
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw storeError(`artifact ${ref.hash} is not valid JSON: ${(e as Error).message}`);
    }
  }

  async localPath(ref: ArtifactRef): Promise<string> {
    const object = HASH_RE.test(ref.hash) ? await this.object(ref.hash) : undefined;
    if (!object) throw storeError(`artifact ${ref.hash} is not in the artifact store at ${this.location}`, 'rerun the step that produced it');
    if (await this.cache.has(ref.hash)) return this.cache.localPath(ref);
    return this.download(ref.hash, object.kind, object.files);
  }

  async verify(hash: string, options: { full?: boolean } = {}): Promise<ArtifactCheck> {
    if (!HASH_RE.test(hash)) return check(hash, 'missing');
    await this.migrate();
    const client = await this.db.pool.connect().catch((e: unknown) => {
      throw this.fail('verify', e);
    });
    try {
      return await this.verifyWith(client, hash, options.full === true);
    } catch (e) {
      throw this.fail('verify', e);
    } finally {
      client.release();
    }
  }

  async remove(hash: string): Promise<boolean> {
    if (!HASH_RE.test(hash)) return false;
    const removed = await this.write('remove', async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [advisoryKey(`deepline-artifact:${hash}`)]);
      await c.query('DELETE FROM artifact_chunks WHERE hash = $1', [hash]);
      return (await rowsOf(c, 'DELETE FROM artifact_objects WHERE hash = $1 RETURNING hash', [hash])).length > 0;
    });
    await this.cache.remove(hash);
    return removed;
  }

  async list(): Promise<string[]> {
    return (await this.rows('list', 'SELECT hash FROM artifact_objects')).map((r) => String(r.hash));
  }

  private toRef(hash: string, kind: ArtifactKind, size: number): ArtifactRef {
    return Object.freeze({ hash, kind, size, uri: `postgres:${this.db.url.schema}/artifacts/${hash}` });
  }

  private async object(hash: string): Promise<{ kind: ArtifactKind; size: number; files: ManifestEntry[] } | undefined> {
    const [row] = await this.rows('read', 'SELECT kind, size, files FROM artifact_objects WHERE hash = $1', [hash]);
    return row && { kind: row.kind as ArtifactKind, size: Number(row.size), files: JSON.parse(String(row.files)) as ManifestEntry[] };
  }

  /**
   * Streams a cached object into PostgreSQL unless an intact copy is there. `kind` is what the
   * caller put: the cache keeps json and file content alike, and the first put of some bytes
   * decides their kind, as in FsArtifactStore.
   */
  private async upload(cached: ArtifactRef, kind: ArtifactKind): Promise<ArtifactRef> {
    const { hash } = cached;
    let files = await this.cache.manifest(hash);
    if (!files) {
      await this.cache.verify(hash);
      files = await this.cache.manifest(hash);
    }
    if (!files) throw storeError(`the local copy of artifact ${hash} in ${this.cacheDir} has no manifest`);
    const manifest = files;
    const dataPath = await this.cache.localPath(cached);
    const stored = await this.write('put', async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [advisoryKey(`deepline-artifact:${hash}`)]);
      const [existing] = await rowsOf(c, 'SELECT kind, size FROM artifact_objects WHERE hash = $1', [hash]);
      if (existing) {
        if ((await this.verifyWith(c, hash, false)).status === 'ok') return { kind: existing.kind as ArtifactKind, size: Number(existing.size) };
        // Damaged: the same content, put again, replaces it.
        await c.query('DELETE FROM artifact_chunks WHERE hash = $1', [hash]);
        await c.query('DELETE FROM artifact_objects WHERE hash = $1', [hash]);
      }
      const storedKind: ArtifactKind = kind === 'dir' ? 'dir' : existing ? (existing.kind as ArtifactKind) : kind;
      for (const entry of manifest) {
        const file = entry.path === '' ? dataPath : path.join(dataPath, ...entry.path.split('/'));
        await this.uploadFile(c, hash, entry, file);
      }
      const size = manifest.reduce((n, f) => n + f.size, 0);
      await c.query('INSERT INTO artifact_objects (hash, kind, size, files, created_at) VALUES ($1, $2, $3, $4, $5)', [
        hash,
        storedKind,
        size,
        JSON.stringify(manifest),
        this.stamp(),
      ]);
      return { kind: storedKind, size };
    });
    return this.toRef(hash, stored.kind, stored.size);
  }

  /** One file's chunks, hashed as they are sent: a cached copy changed since its put is refused, not stored. */
  private async uploadFile(c: PgClient, hash: string, entry: ManifestEntry, file: string): Promise<void> {
    const sha = createHash('sha256');
    let seq = 0;
    let size = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES })) {
      const bytes = chunk as Buffer;
      sha.update(bytes);
      size += bytes.length;
      await c.query('INSERT INTO artifact_chunks (hash, path, seq, data) VALUES ($1, $2, $3, $4)', [hash, entry.path, seq++, bytes]);
    }
    if (seq === 0) await c.query('INSERT INTO artifact_chunks (hash, path, seq, data) VALUES ($1, $2, 0, $3)', [hash, entry.path, Buffer.alloc(0)]);
    if (size !== entry.size || sha.digest('hex') !== entry.sha256) {
      await this.cache.remove(hash);
      throw storeError(`the local copy of artifact ${hash} (${entry.path || 'its data file'}) changed after it was stored, so it was not uploaded`, 'put the content again');
    }
  }

  /** Reads an object's files out of PostgreSQL into the cache, verifying every byte on the way. */
  private async download(hash: string, kind: ArtifactKind, manifest: readonly ManifestEntry[]): Promise<string> {
    const tmpRoot = path.join(path.dirname(this.cacheDir), 'artifact-downloads');
    const tmp = path.join(tmpRoot, `${process.pid}-${randomUUID()}`);
    const data = path.join(tmp, 'data');
    const damaged = (why: string) =>
      storeError(`artifact ${hash} in the artifact store at ${this.location} is damaged: ${why}`, 'rerun the step that produced it (a put of the same content repairs it)');
    try {
      if (manifestHash(kind, manifest) !== hash) throw damaged('its manifest does not match its hash');
      await fs.mkdir(kind === 'dir' ? data : tmp, { recursive: true });
      for (const entry of manifest) {
        const file = entry.path === '' ? data : path.join(data, ...entry.path.split('/'));
        await fs.mkdir(path.dirname(file), { recursive: true });
        const { size, sha256 } = await this.fetchFile(hash, entry.path, file);
        if (size !== entry.size) throw damaged(`${entry.path || 'the data file'} has ${size} bytes, expected ${entry.size}`);
        if (sha256 !== entry.sha256) throw damaged(`${entry.path || 'the data file'} does not match the sha256 recorded`);
      }
      const cached = kind === 'dir' ? await this.cache.putDir(data, { move: true }) : await this.cache.putFile(data, { move: true });
      if (cached.hash !== hash) throw damaged(`its content hashes to ${cached.hash}`);
      return await this.cache.localPath(cached);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }

  private async fetchFile(hash: string, rel: string, file: string): Promise<{ size: number; sha256: string }> {
    const out = createWriteStream(file);
    const sha = createHash('sha256');
    let size = 0;
    let next = 0;
    try {
      for (;;) {
        const rows = await this.rows('read', 'SELECT seq, data FROM artifact_chunks WHERE hash = $1 AND path = $2 AND seq >= $3 ORDER BY seq LIMIT $4', [
          hash,
          rel,
          next,
          CHUNKS_PER_FETCH,
        ]);
        for (const row of rows) {
          if (Number(row.seq) !== next) throw storeError(`artifact ${hash} is damaged: chunk ${next} of ${rel || 'its data file'} is missing`);
          const bytes = row.data as Buffer;
          sha.update(bytes);
          size += bytes.length;
          if (!out.write(bytes)) await once(out, 'drain');
          next++;
        }
        if (rows.length < CHUNKS_PER_FETCH) break;
      }
    } finally {
      out.end();
      await once(out, 'close');
    }
    return { size, sha256: sha.digest('hex') };
  }

  /** The manifest check of `verify`, on a given connection (a put's transaction reuses it). */
  private async verifyWith(c: PgClient, hash: string, full: boolean): Promise<ArtifactCheck> {
    const [row] = await rowsOf(c, 'SELECT kind, size, files FROM artifact_objects WHERE hash = $1', [hash]);
    if (!row) return check(hash, 'missing');
    let files: ManifestEntry[];
    try {
      files = JSON.parse(String(row.files)) as ManifestEntry[];
    } catch {
      return check(hash, 'damaged', ['its manifest is unreadable']);
    }
    const kind = row.kind as ArtifactKind;
    if (manifestHash(kind, files) !== hash || files.reduce((n, f) => n + f.size, 0) !== Number(row.size)) {
      return check(hash, 'damaged', ["the manifest does not match the artifact's hash"]);
    }
    const label = (rel: string) => (rel === '' ? 'the data file' : rel);
    const stored = new Map<string, { chunks: number; last: number; bytes: number }>();
    for (const r of await rowsOf(c, 'SELECT path, count(*)::int AS chunks, max(seq) AS last, sum(length(data))::bigint AS bytes FROM artifact_chunks WHERE hash = $1 GROUP BY path', [hash])) {
      stored.set(String(r.path), { chunks: Number(r.chunks), last: Number(r.last), bytes: Number(r.bytes) });
    }
    const problems: string[] = [];
    for (const entry of files) {
      const found = stored.get(entry.path);
      if (!found) {
        problems.push(`${label(entry.path)} is missing`);
        continue;
      }
      if (found.bytes !== entry.size) {
        problems.push(`${label(entry.path)} has ${found.bytes} byte${found.bytes === 1 ? '' : 's'}, expected ${entry.size}`);
        continue;
      }
      if (found.chunks !== found.last + 1) {
        problems.push(`${label(entry.path)} has a chunk out of place`);
        continue;
      }
      if (!full && entry.size > this.hashFilesUpTo) continue;
      if ((await hashChunks(c, hash, entry.path)) !== entry.sha256) problems.push(`${label(entry.path)} was changed: its content no longer matches the sha256 recorded`);
    }
    const listed = new Set(files.map((f) => f.path));
    for (const rel of stored.keys()) if (!listed.has(rel)) problems.push(`${label(rel)} is not part of the artifact`);
    return check(hash, problems.length > 0 ? 'damaged' : 'ok', problems);
  }
}

async function hashChunks(c: PgClient, hash: string, rel: string): Promise<string> {
  const sha = createHash('sha256');
  for (let next = 0; ; next += CHUNKS_PER_FETCH) {
    const rows = await rowsOf(c, 'SELECT data FROM artifact_chunks WHERE hash = $1 AND path = $2 AND seq >= $3 ORDER BY seq LIMIT $4', [hash, rel, next, CHUNKS_PER_FETCH]);
    for (const row of rows) sha.update(row.data as Buffer);
    if (rows.length < CHUNKS_PER_FETCH) return sha.digest('hex');
  }
}

function check(hash: string, status: ArtifactCheck['status'], problems: string[] = []): ArtifactCheck {
  return Object.freeze({ hash, status, problems: Object.freeze(problems) });
}

function storeError(message: string, hint = 'check that PostgreSQL is up and the disk holding the local cache has space'): DeeplineError {
  return new DeeplineError('DL_STORE', message, { hint });
}

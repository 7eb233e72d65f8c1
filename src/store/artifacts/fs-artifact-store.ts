import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DeeplineError } from '../../errors/index.ts';
import { canonicalJson } from '../canonical-json.ts';
import { parseArtifactMeta, type ArtifactMeta, type ArtifactMetaV2, type ManifestEntry } from '../formats/artifact-meta.ts';
import type { ArtifactCheck, ArtifactRef, ArtifactStore } from './artifact-store.ts';
import { checkObjectFiles } from './check-object-files.ts';
import { hashFile } from './hash-file.ts';
import { manifestHash } from './manifest-hash.ts';
import { rebuildManifest } from './rebuild-manifest.ts';
import { sealTree } from './seal-tree.ts';

const HASH_RE = /^[0-9a-f]{64}$/;
const DATA = 'data';
const META = 'meta.json';
/** Files up to this size are hashed by every `verify`, larger ones only by a full one. */
const HASH_FILES_UP_TO = 1024 * 1024;

export interface FsArtifactStoreOptions {
  /** Bytes up to which `verify` hashes a file's content even when not `full` (default 1 MiB). */
  readonly hashFilesUpTo?: number;
}

type Content = Omit<ArtifactMetaV2, 'format'>;

/**
 * Artifact store in a local folder (the project's `.deepline/artifacts/`).
 *
 * Layout: `objects/<first 2 hex>/<hash>/{data, meta.json}`, where `data` is the file or the
 * directory tree. Every put is assembled in `tmp/<pid>-<uuid>/` under the same root (so the same
 * file system) and then renamed into place in one step: an object folder exists only once it is
 * complete, and a killed process leaves at most an orphan in `tmp/`, swept on the next put.
 * Renaming onto an existing object fails, which is what makes concurrent puts of the same content
 * safe: the loser discards its copy.
 *
 * Hashes: a file or JSON value is the sha256 of its bytes (JSON in canonical form: sorted keys,
 * so `readJson` returns keys sorted). A directory is the sha256 of one line per file, sorted by
 * relative path: `<posix path>\0<file sha256>\n`. Empty folders are not content and are dropped;
 * symbolic links are refused. Stored files are made read-only.
 *
 * Manifests: `meta.json` (format v2, see formats/artifact-meta.ts) lists every file with its size
 * and sha256, so `verify` names the file that was deleted, truncated or edited behind the store's
 * back. Objects written before v2 carry no manifest; their first `verify` rehashes them against
 * their address (a content hash, so this proves them intact) and records the manifest then.
 * A put whose content is stored but damaged replaces the damaged object.
 *
 * Durability: survives the process being killed at any point; it does not fsync, so a power loss
 * right after a put may lose that object (the metadata store then sees it missing and reruns).
 */
export class FsArtifactStore implements ArtifactStore {
  readonly root: string;
  private readonly hashFilesUpTo: number;
  private sweep: Promise<void> | undefined;

  constructor(root: string, options: FsArtifactStoreOptions = {}) {
    this.root = path.resolve(root);
    this.hashFilesUpTo = options.hashFilesUpTo ?? HASH_FILES_UP_TO;
  }

  async putJson(value: unknown): Promise<ArtifactRef> {
    const text = canonicalJson(value);
    const hash = sha256(text);
    const size = Buffer.byteLength(text);
    const existing = await this.get(hash).catch(() => undefined);
    if (existing && (await this.verify(hash)).status === 'ok') return existing;
    return this.assemble(async (data) => {
      await fs.writeFile(data, text, { mode: 0o444 });
      return { hash, kind: 'json', size, files: [{ path: '', size, sha256: hash }] };
    });
  }

  async putFile(source: string, options: { move?: boolean } = {}): Promise<ArtifactRef> {
    const stat = await statSource(source);
    if (!stat.isFile()) throw storeError(`${source} is not a regular file`, 'use putDir for a folder');
    return this.assemble(async (data) => {
      await transfer(source, data, options.move === true, this.root);
      await fs.chmod(data, 0o444);
      const { sha256: hash, size } = await hashFile(data);
      return { hash, kind: 'file', size, files: [{ path: '', size, sha256: hash }] };
    }, options.move === true ? source : undefined);
  }

  async putDir(source: string, options: { move?: boolean } = {}): Promise<ArtifactRef> {
    const stat = await statSource(source);
    if (!stat.isDirectory()) throw storeError(`${source} is not a directory`, 'use putFile for a single file');
    return this.assemble(async (data) => {
      await transfer(source, data, options.move === true, this.root);
      // Hash the copy, not the source: what is stored is then exactly what was hashed, even if
      // the caller changes the source meanwhile.
      const files: ManifestEntry[] = [];
      const size = await sealTree(data, '', files);
      files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      return { hash: manifestHash('dir', files) as string, kind: 'dir', size, files };
    }, options.move === true ? source : undefined);
  }

  async has(hash: string): Promise<boolean> {
    if (!HASH_RE.test(hash)) return false;
    return exists(path.join(this.objectDir(hash), META));
  }

  async get(hash: string): Promise<ArtifactRef | undefined> {
    if (!HASH_RE.test(hash)) return undefined;
    let text: string;
    try {
      text = await fs.readFile(path.join(this.objectDir(hash), META), 'utf8');
    } catch (e) {
      if (errno(e) === 'ENOENT') return undefined;
      throw storeError(`cannot read artifact ${hash}: ${(e as Error).message}`);
    }
    const meta = parseArtifactMeta(text);
    if (!meta || meta.hash !== hash) {
      throw storeError(`artifact ${hash} in ${this.root} has an unreadable meta.json`, 'delete that object folder; the step that wrote it reruns');
    }
    return this.toRef(meta);
  }

  /**
   * The manifest recorded when `hash` was put (every file with its size and sha256), or
   * undefined when nothing is stored under it or it predates manifests. Read, not checked.
   */
  async manifest(hash: string): Promise<readonly ManifestEntry[] | undefined> {
    if (!HASH_RE.test(hash)) return undefined;
    try {
      const meta = parseArtifactMeta(await fs.readFile(path.join(this.objectDir(hash), META), 'utf8'));
      return meta?.format === 2 && meta.hash === hash ? meta.files : undefined;
    } catch (e) {
      if (errno(e) === 'ENOENT') return undefined;
      throw storeError(`cannot read artifact ${hash}: ${(e as Error).message}`);
    }
  }

  async readJson<T = unknown>(ref: ArtifactRef): Promise<T> {
    if (ref.kind === 'dir') throw storeError(`artifact ${ref.hash} is a directory, not JSON`);
    const file = await this.localPath(ref);
    const text = await fs.readFile(file, 'utf8');
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw storeError(`artifact ${ref.hash} is not valid JSON: ${(e as Error).message}`);
    }
  }

  async localPath(ref: ArtifactRef): Promise<string> {
    // The ref's uri is ignored on purpose: refs recorded before the project folder moved
    // still resolve, because the location follows from the hash alone.
    if (!(await this.has(ref.hash))) {
      throw storeError(`artifact ${ref.hash} is not in the store at ${this.root}`, 'rerun the step that produced it');
    }
    return path.join(this.objectDir(ref.hash), DATA);
  }

  async verify(hash: string, options: { full?: boolean } = {}): Promise<ArtifactCheck> {
    const check = (status: ArtifactCheck['status'], problems: string[] = []): ArtifactCheck =>
      Object.freeze({ hash, status, problems: Object.freeze(problems) });
    if (!HASH_RE.test(hash)) return check('missing');
    const dir = this.objectDir(hash);
    let text: string;
    try {
      text = await fs.readFile(path.join(dir, META), 'utf8');
    } catch (e) {
      if (errno(e) !== 'ENOENT') return check('damaged', [`${META} cannot be read: ${(e as Error).message}`]);
      // A folder without meta.json was damaged after the put (a put renames both in at once).
      return (await exists(dir)) ? check('damaged', [`${META} is missing`]) : check('missing');
    }
    const meta = parseArtifactMeta(text);
    if (!meta || meta.hash !== hash) return check('damaged', [`${META} is unreadable or names another artifact`]);
    if (meta.format === 1) return check(...(await this.upgrade(meta)));
    if (manifestHash(meta.kind, meta.files) !== hash || meta.files.reduce((n, f) => n + f.size, 0) !== meta.size) {
      return check('damaged', [`the manifest in ${META} does not match the artifact's hash`]);
    }
    const problems = await checkObjectFiles(path.join(dir, DATA), meta.kind, meta.files, {
      full: options.full === true,
      hashFilesUpTo: this.hashFilesUpTo,
    });
    return check(problems.length > 0 ? 'damaged' : 'ok', problems);
  }

  async remove(hash: string): Promise<boolean> {
    if (!HASH_RE.test(hash)) return false;
    // Renamed out of `objects/` first, so no reader sees it half-deleted; a kill leaves it to the sweep.
    const aside = await this.tempPath();
    try {
      await fs.rename(this.objectDir(hash), aside);
    } catch (e) {
      if (errno(e) === 'ENOENT') return false;
      throw storeError(`cannot remove artifact ${hash} from ${this.root}: ${(e as Error).message}`);
    }
    await fs.rm(aside, { recursive: true, force: true });
    return true;
  }

  async list(): Promise<string[]> {
    const objects = path.join(this.root, 'objects');
    const hashes: string[] = [];
    for (const shard of await readdirOrEmpty(objects)) {
      for (const name of await readdirOrEmpty(path.join(objects, shard))) if (HASH_RE.test(name)) hashes.push(name);
    }
    return hashes;
  }

  /** Deletes temp folders left by processes that no longer exist (killed mid-put). */
  async removeStaleTemp(): Promise<number> {
    const tmp = path.join(this.root, 'tmp');
    let names: string[];
    try {
      names = await fs.readdir(tmp);
    } catch (e) {
      if (errno(e) === 'ENOENT') return 0;
      throw e;
    }
    let removed = 0;
    for (const name of names) {
      const pid = Number(name.split('-', 1)[0]);
      if (!Number.isSafeInteger(pid) || pid === process.pid || isAlive(pid)) continue;
      await fs.rm(path.join(tmp, name), { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  private objectDir(hash: string): string {
    return path.join(this.root, 'objects', hash.slice(0, 2), hash);
  }

  private toRef(meta: ArtifactMeta): ArtifactRef {
    return Object.freeze({ hash: meta.hash, kind: meta.kind, size: meta.size, uri: path.join(this.objectDir(meta.hash), DATA) });
  }

  /** A fresh path under `tmp/`, named so that the sweep removes it if this process dies. */
  private async tempPath(): Promise<string> {
    await fs.mkdir(path.join(this.root, 'tmp'), { recursive: true });
    return path.join(this.root, 'tmp', `${process.pid}-${randomUUID()}`);
  }

  /**
   * Rehashes an object stored before manifests against its address; when it matches, records
   * the manifest (a v2 meta.json) so later checks can name a damaged file and skip large ones.
   */
  private async upgrade(meta: ArtifactMeta): Promise<['ok' | 'damaged', string[]]> {
    const files = await rebuildManifest(path.join(this.objectDir(meta.hash), DATA), meta.kind);
    if (!files || manifestHash(meta.kind, files) !== meta.hash) {
      return ['damaged', ['its content no longer matches its hash (it was stored before manifests, so the file at fault is unknown)']];
    }
    const upgraded: ArtifactMetaV2 = { format: 2, hash: meta.hash, kind: meta.kind, size: files.reduce((n, f) => n + f.size, 0), files };
    try {
      const tmp = await this.tempPath();
      await fs.writeFile(tmp, JSON.stringify(upgraded), { mode: 0o444 });
      await fs.rename(tmp, path.join(this.objectDir(meta.hash), META));
    } catch {
      // Recording the manifest only saves work later: the content was just proven intact.
    }
    return ['ok', []];
  }

  /**
   * Builds an object in a fresh temp folder with `fill`, then renames it into place. When the
   * content is already stored the copy is dropped and the stored ref returned.
   */
  private async assemble(fill: (dataPath: string) => Promise<Content>, movedSource?: string): Promise<ArtifactRef> {
    this.sweep ??= this.removeStaleTemp().then(() => undefined, () => undefined);
    await this.sweep;
    const tmp = path.join(this.root, 'tmp', `${process.pid}-${randomUUID()}`);
    try {
      await fs.mkdir(tmp, { recursive: true });
      const content = await fill(path.join(tmp, DATA));
      const meta: ArtifactMetaV2 = { format: 2, ...content };
      await fs.writeFile(path.join(tmp, META), JSON.stringify(meta), { mode: 0o444 });
      const target = this.objectDir(content.hash);
      await fs.mkdir(path.dirname(target), { recursive: true });
      // Twice at most: the second attempt follows the removal of a damaged copy.
      for (let attempt = 0; ; attempt++) {
        try {
          await fs.rename(tmp, target);
          return this.toRef(meta);
        } catch (e) {
          const code = errno(e);
          if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
          // Stored already (by us earlier or a concurrent put): keep it if intact, else replace it.
          if ((await this.verify(content.hash)).status === 'ok') return (await this.get(content.hash)) ?? this.toRef(meta);
          if (attempt > 0) throw e;
          await this.remove(content.hash);
        }
      }
    } catch (e) {
      if (e instanceof DeeplineError) throw e;
      const what = movedSource ? `moving ${movedSource}` : 'writing';
      throw storeError(`${what} into the artifact store at ${this.root} failed: ${(e as Error).message}`);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function transfer(source: string, dest: string, move: boolean, root: string): Promise<void> {
  if (move && (path.resolve(source) + path.sep).startsWith(root + path.sep)) {
    // Moving would take content out of a stored object (or a put in progress).
    throw storeError(`${source} is inside the artifact store; it can be copied, not moved`, 'call put without { move: true }');
  }
  if (move) {
    try {
      await fs.rename(source, dest);
      return;
    } catch (e) {
      if (errno(e) !== 'EXDEV') throw e;
    }
  }
  await fs.cp(source, dest, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true });
  if (move) await fs.rm(source, { recursive: true, force: true });
}

async function statSource(source: string) {
  try {
    return await fs.stat(source);
  } catch (e) {
    throw storeError(`cannot read ${source}: ${(e as Error).message}`, 'check that the step wrote that path before putting it');
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return [];
    throw storeError(`cannot list ${dir}: ${(e as Error).message}`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM';
  }
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function storeError(message: string, hint = 'check disk space and permissions of .deepline/'): DeeplineError {
  return new DeeplineError('DL_STORE', message, { hint });
}

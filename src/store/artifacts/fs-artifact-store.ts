import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DeeplineError } from '../../errors/index.ts';
import { canonicalJson } from '../canonical-json.ts';
import { parseArtifactMeta, type ArtifactMetaV1 } from '../formats/artifact-meta.ts';
import type { ArtifactKind, ArtifactRef, ArtifactStore } from './artifact-store.ts';

const HASH_RE = /^[0-9a-f]{64}$/;
const DATA = 'data';
const META = 'meta.json';

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
 * Durability: survives the process being killed at any point; it does not fsync, so a power loss
 * right after a put may lose that object (the metadata store then sees it missing and reruns).
 */
export class FsArtifactStore implements ArtifactStore {
  readonly root: string;
  private sweep: Promise<void> | undefined;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async putJson(value: unknown): Promise<ArtifactRef> {
    const text = canonicalJson(value);
    const hash = sha256(text);
    const existing = await this.get(hash);
    if (existing) return existing;
    return this.assemble(async (data) => {
      await fs.writeFile(data, text, { mode: 0o444 });
      return { hash, kind: 'json', size: Buffer.byteLength(text) };
    });
  }

  async putFile(source: string, options: { move?: boolean } = {}): Promise<ArtifactRef> {
    const stat = await statSource(source);
    if (!stat.isFile()) throw storeError(`${source} is not a regular file`, 'use putDir for a folder');
    return this.assemble(async (data) => {
      await transfer(source, data, options.move === true, this.root);
      await fs.chmod(data, 0o444);
      const { hash, size } = await hashFile(data);
      return { hash, kind: 'file', size };
    }, options.move === true ? source : undefined);
  }

  async putDir(source: string, options: { move?: boolean } = {}): Promise<ArtifactRef> {
    const stat = await statSource(source);
    if (!stat.isDirectory()) throw storeError(`${source} is not a directory`, 'use putFile for a single file');
    return this.assemble(async (data) => {
      await transfer(source, data, options.move === true, this.root);
      // Hash the copy, not the source: what is stored is then exactly what was hashed, even if
      // the caller changes the source meanwhile.
      const files: Array<{ rel: string; hash: string }> = [];
      const size = await sealTree(data, '', files);
      files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
      const manifest = files.map((f) => `${f.rel}\0${f.hash}\n`).join('');
      return { hash: sha256(manifest), kind: 'dir', size };
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

  private toRef(meta: ArtifactMetaV1): ArtifactRef {
    return Object.freeze({ hash: meta.hash, kind: meta.kind, size: meta.size, uri: path.join(this.objectDir(meta.hash), DATA) });
  }

  /**
   * Builds an object in a fresh temp folder with `fill`, then renames it into place. When the
   * content is already stored the copy is dropped and the stored ref returned.
   */
  private async assemble(
    fill: (dataPath: string) => Promise<{ hash: string; kind: ArtifactKind; size: number }>,
    movedSource?: string,
  ): Promise<ArtifactRef> {
    this.sweep ??= this.removeStaleTemp().then(() => undefined, () => undefined);
    await this.sweep;
    const tmp = path.join(this.root, 'tmp', `${process.pid}-${randomUUID()}`);
    try {
      await fs.mkdir(tmp, { recursive: true });
      const content = await fill(path.join(tmp, DATA));
      const meta: ArtifactMetaV1 = { format: 1, ...content };
      await fs.writeFile(path.join(tmp, META), JSON.stringify(meta), { mode: 0o444 });
      const target = this.objectDir(content.hash);
      await fs.mkdir(path.dirname(target), { recursive: true });
      try {
        await fs.rename(tmp, target);
        return this.toRef(meta);
      } catch (e) {
        const code = errno(e);
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
        const stored = await this.get(content.hash);
        if (!stored) throw e;
        return stored;
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

async function hashFile(file: string): Promise<{ hash: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { hash: hash.digest('hex'), size };
}

/** Hashes every file under `dir`, makes it read-only, drops empty folders; returns total bytes. */
async function sealTree(root: string, rel: string, out: Array<{ rel: string; hash: string }>): Promise<number> {
  const dir = rel ? path.join(root, rel) : root;
  let size = 0;
  let kept = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const childRel = rel ? `${rel}/${entry.name}` : entry.name;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const before = out.length;
      size += await sealTree(root, childRel, out);
      if (out.length > before) kept++;
    } else if (entry.isFile()) {
      await fs.chmod(full, 0o444);
      const f = await hashFile(full);
      out.push({ rel: childRel, hash: f.hash });
      size += f.size;
      kept++;
    } else {
      throw storeError(`${childRel} is a symbolic link or special file; artifacts hold regular files only`, 'copy the link target into the folder instead');
    }
  }
  if (rel && kept === 0) await fs.rmdir(dir);
  return size;
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

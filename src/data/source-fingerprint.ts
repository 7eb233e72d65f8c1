import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileAccessError, type FileAccessOptions } from '../errors/index.ts';

interface SourceFile {
  /** Path relative to the source root, with '/' separators ('' when the source is one file). */
  rel: string;
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * A cheap fingerprint of a data file or folder (relative paths, sizes, modification times), for
 * the ingest step's cache key: it changes whenever a file is added, removed or rewritten, without
 * reading any content.
 */
export async function sourceFingerprint(path: string): Promise<string> {
  const files = await listSourceFiles(path);
  const lines = files.map((f) => `${f.rel}\t${f.size}\t${Math.round(f.mtimeMs)}\n`);
  return sha256(lines.join(''));
}

/**
 * sha256 over the content of every file of a data source (one line `path\0sha256` per file, in
 * path order): the data version recorded with a run, identical wherever the same bytes are read.
 */
export async function sourceContentHash(path: string): Promise<string> {
  const files = await listSourceFiles(path);
  const lines: string[] = [];
  for (const f of files) lines.push(`${f.rel}\0${await hashFile(f.path)}\n`);
  return sha256(lines.join(''));
}

/**
 * `action(path)`, its file-system errors turned into DeeplineErrors naming `path`: a missing one
 * is DL_DATA_MISSING, an unreadable one DL_FILE_ACCESS.
 */
async function onPath<T>(path: string, what: FileAccessOptions['what'], action: (path: string) => Promise<T>): Promise<T> {
  try {
    return await action(path);
  } catch (e) {
    throw fileAccessError(e, path, { what, missingCode: 'DL_DATA_MISSING', missingHint: "check data.path (relative paths are resolved from the task file's folder)" });
  }
}

async function listSourceFiles(root: string): Promise<SourceFile[]> {
  const info = await onPath(root, 'data', (p) => stat(p));
  if (!info.isDirectory()) return [{ rel: '', path: root, size: info.size, mtimeMs: info.mtimeMs }];
  const files: SourceFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await onPath(dir, 'data folder', (d) => readdir(d, { withFileTypes: true }))) {
      // Readers skip hidden entries (.DS_Store, .git), so they are not part of the data either.
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const s = await onPath(path, 'data file', (p) => stat(p));
        files.push({ rel: relative(root, path).split(sep).join('/'), path, size: s.size, mtimeMs: s.mtimeMs });
      }
    }
  };
  await walk(root);
  return files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

function hashFile(path: string): Promise<string> {
  return onPath(
    path,
    'data file',
    (p) =>
      new Promise((resolve, reject) => {
        const hash = createHash('sha256');
        createReadStream(p)
          .on('data', (chunk) => hash.update(chunk))
          .on('error', reject)
          .on('end', () => resolve(hash.digest('hex')));
      }),
  );
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

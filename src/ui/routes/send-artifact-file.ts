import { createReadStream } from 'node:fs';
import { lstat, readdir, realpath } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { FastifyReply } from 'fastify';
import { isFileSystemError } from '../../errors/index.ts';
import { notFound } from '../not-found.ts';
import { UiInputError } from '../ui-input.ts';
import type { UiState } from '../ui-state.ts';

/** The listing of a directory artifact (or of a folder inside one). */
export interface ArtifactListing {
  readonly hash: string;
  readonly kind: 'dir';
  /** The folder listed, relative to the artifact ('' for its root). */
  readonly path: string;
  readonly files: readonly { readonly path: string; readonly size: number }[];
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

/**
 * A report page may draw and link, never run code or load from elsewhere: its own inline styles
 * and data: images only.
 */
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

/**
 * The segments of a path inside an artifact, as sent in the URL (already percent-decoded once by
 * the router). Refused: an empty path part, `.` or `..`, a backslash, a NUL or control
 * character, a `%` (a second layer of encoding), a `:` (drive letters, alternate streams), and a
 * leading `/` (an absolute path). What is left can only name something below the artifact.
 */
export function artifactPathSegments(raw: string): string[] {
  if (raw === '') return [];
  const problem = (message: string): never => {
    throw new UiInputError([{ field: 'path', message: `${JSON.stringify(raw)} ${message}` }], 'name a file inside the artifact by its relative path, e.g. model/model.json (GET the artifact to list its files)');
  };
  if (raw.length > 1000) problem('is too long');
  if (raw.startsWith('/')) problem('is absolute: only paths inside the artifact are served');
  if (/[\\%:\u0000-\u001f\u007f]/.test(raw)) problem('holds a backslash, %, :, or a control character, which no artifact path needs');
  const segments = raw.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) problem('has an empty, `.` or `..` part: only paths inside the artifact are served');
  return segments;
}

/**
 * Answers with a file of a stored artifact, a JSON artifact's value, or a folder's listing. The
 * path is checked twice: by its segments (artifactPathSegments), and after resolving symbolic
 * links, that the real file still lies inside the artifact's real folder — so a link inside an
 * artifact cannot lead out of the workspace.
 */
export async function sendArtifactFile(
  state: UiState,
  reply: FastifyReply,
  hash: string,
  segments: readonly string[],
  options: { readonly inline?: boolean } = {},
): Promise<FastifyReply | ArtifactListing | unknown> {
  const { artifacts } = state.workspace;
  const ref = await artifacts.get(hash);
  if (!ref) throw notFound(`artifact ${hash} is not in the artifact store`, 'it may have been removed by `deepline doctor`; rerun the run to rebuild it');
  if (ref.kind === 'json' && segments.length === 0) return artifacts.readJson(ref);
  if (ref.kind !== 'dir' && segments.length > 0) {
    throw new UiInputError([{ field: 'path', message: `artifact ${hash} is a single ${ref.kind}, so it has no ${JSON.stringify(segments.join('/'))} inside` }], 'GET the artifact without a path');
  }
  const root = await realpath(await artifacts.localPath(ref));
  const target = join(root, ...segments);
  let real: string;
  try {
    real = await realpath(target);
  } catch (e) {
    if (isFileSystemError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) {
      throw notFound(`artifact ${hash} has no ${JSON.stringify(segments.join('/'))}`, `GET /api/runs/<run>/artifacts/${hash} lists its files`);
    }
    throw e;
  }
  if (real !== root && !real.startsWith(root + sep)) {
    throw new UiInputError([{ field: 'path', message: `${JSON.stringify(segments.join('/'))} leads outside the artifact (through a symbolic link)` }], 'only files inside the artifact are served');
  }
  const stats = await lstat(real);
  if (stats.isDirectory()) return listFolder(hash, root, real);
  if (!stats.isFile()) throw notFound(`${JSON.stringify(segments.join('/'))} in artifact ${hash} is not a regular file`, 'only regular files are served');
  const name = segments.at(-1) ?? `${hash.slice(0, 12)}${ref.kind === 'json' ? '.json' : ''}`;
  const type = TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
  reply.header('content-type', type).header('content-length', stats.size).header('x-content-type-options', 'nosniff');
  // Content-addressed: the bytes under a hash never change.
  reply.header('cache-control', 'private, max-age=31536000, immutable');
  if (options.inline) reply.header('content-security-policy', REPORT_CSP).header('x-frame-options', 'SAMEORIGIN');
  else reply.header('content-disposition', `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  return reply.send(createReadStream(real));
}

/** Every regular file below a folder (symbolic links are not followed), up to 10,000. */
async function listFolder(hash: string, root: string, folder: string): Promise<ArtifactListing> {
  const files: { path: string; size: number }[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (files.length >= 10_000) return;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) files.push({ path: relative(folder, full).split(sep).join('/'), size: (await lstat(full)).size });
    }
  };
  await walk(folder);
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { hash, kind: 'dir', path: relative(root, folder).split(sep).join('/'), files };
}

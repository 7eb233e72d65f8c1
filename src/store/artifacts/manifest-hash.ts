import { createHash } from 'node:crypto';
import type { ManifestEntry } from '../formats/artifact-meta.ts';
import type { ArtifactKind } from './artifact-store.ts';

/**
 * The address that a manifest implies: for a json or file artifact the one file's sha256, for a
 * directory the sha256 of one `<posix path>\0<file sha256>\n` line per file, sorted by path.
 * Undefined when the manifest cannot belong to that kind (a single file listed under a path).
 */
export function manifestHash(kind: ArtifactKind, files: readonly ManifestEntry[]): string | undefined {
  if (kind !== 'dir') return files.length === 1 && files[0].path === '' ? files[0].sha256 : undefined;
  if (files.some((f) => f.path === '')) return undefined;
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return createHash('sha256')
    .update(sorted.map((f) => `${f.path}\0${f.sha256}\n`).join(''))
    .digest('hex');
}

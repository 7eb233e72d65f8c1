import * as path from 'node:path';
import type { ManifestEntry } from '../formats/artifact-meta.ts';
import type { ArtifactKind } from './artifact-store.ts';
import { hashFile } from './hash-file.ts';
import { walkObjectFiles } from './walk-object-files.ts';

export interface CheckObjectFilesOptions {
  /** Hash every file, not only the small ones. */
  readonly full: boolean;
  /** Files up to this many bytes are always hashed: cheap, and catches same-size edits. */
  readonly hashFilesUpTo: number;
}

/**
 * Compares an object's data on disk with its manifest; returns one problem line per damaged,
 * missing, added or odd file (empty when the object is intact). Sizes are always checked, the
 * content of a file only when it is small or `full` is set.
 */
export async function checkObjectFiles(
  dataPath: string,
  kind: ArtifactKind,
  manifest: readonly ManifestEntry[],
  options: CheckObjectFilesOptions,
): Promise<string[]> {
  const label = (rel: string) => (rel === '' ? 'the data file' : rel);
  const found = await walkObjectFiles(dataPath, kind);
  if (!found.exists) return [kind === 'dir' ? 'the data folder is missing' : 'the data file is missing'];
  const problems: string[] = [];
  for (const entry of manifest) {
    const size = found.files.get(entry.path);
    if (size === undefined) {
      if (!found.others.includes(entry.path)) problems.push(`${label(entry.path)} is missing`);
      continue;
    }
    if (size !== entry.size) {
      problems.push(`${label(entry.path)} has ${size} byte${size === 1 ? '' : 's'}, expected ${entry.size}`);
      continue;
    }
    if (!options.full && size > options.hashFilesUpTo) continue;
    const file = entry.path === '' ? dataPath : path.join(dataPath, ...entry.path.split('/'));
    try {
      if ((await hashFile(file)).sha256 !== entry.sha256) problems.push(`${label(entry.path)} was changed: its content no longer matches the sha256 recorded`);
    } catch (e) {
      problems.push(`${label(entry.path)} cannot be read: ${(e as Error).message}`);
    }
  }
  const listed = new Set(manifest.map((f) => f.path));
  for (const rel of found.files.keys()) if (!listed.has(rel)) problems.push(`${label(rel)} is not part of the artifact`);
  for (const rel of found.others) problems.push(`${label(rel)} is not a regular file`);
  return problems;
}

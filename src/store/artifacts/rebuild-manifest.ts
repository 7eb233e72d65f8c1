import * as path from 'node:path';
import type { ManifestEntry } from '../formats/artifact-meta.ts';
import type { ArtifactKind } from './artifact-store.ts';
import { hashFile } from './hash-file.ts';
import { walkObjectFiles } from './walk-object-files.ts';

/**
 * The manifest of an object's data as it is on disk now, every file hashed, sorted by path; for
 * objects stored before manifests. Undefined when the data is gone, holds something that is not a
 * regular file, or a file that cannot be read: such data cannot match any address.
 */
export async function rebuildManifest(dataPath: string, kind: ArtifactKind): Promise<ManifestEntry[] | undefined> {
  const found = await walkObjectFiles(dataPath, kind);
  if (!found.exists || found.others.length > 0) return undefined;
  const files: ManifestEntry[] = [];
  try {
    for (const rel of [...found.files.keys()].sort()) {
      const f = await hashFile(rel === '' ? dataPath : path.join(dataPath, ...rel.split('/')));
      files.push({ path: rel, size: f.size, sha256: f.sha256 });
    }
  } catch {
    return undefined;
  }
  return files;
}

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ArtifactKind } from './artifact-store.ts';

/** What is on disk under an object's data path, without reading any content. */
export interface ObjectFiles {
  /** False when the data path itself is gone. */
  readonly exists: boolean;
  /** Posix path under the data folder (`''` for a json or file artifact) → bytes. */
  readonly files: ReadonlyMap<string, number>;
  /** Paths that are neither regular files nor folders (links, sockets), or a folder where a file belongs. */
  readonly others: readonly string[];
}

/**
 * Lists the regular files of an object's data (one file for json/file artifacts, a tree for
 * directories) with their sizes; empty folders are not content and are skipped. A missing data
 * path gives no files.
 */
export async function walkObjectFiles(dataPath: string, kind: ArtifactKind): Promise<ObjectFiles> {
  const files = new Map<string, number>();
  const others: string[] = [];
  let top;
  try {
    top = await fs.lstat(dataPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, files, others };
    throw e;
  }
  if (kind !== 'dir') {
    if (top.isFile()) files.set('', top.size);
    else others.push('');
    return { exists: true, files, others };
  }
  if (!top.isDirectory()) {
    others.push('');
    return { exists: true, files, others };
  }
  const walk = async (rel: string): Promise<void> => {
    const dir = rel ? path.join(dataPath, rel) : dataPath;
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(childRel);
      else if (entry.isFile()) files.set(childRel, (await fs.lstat(path.join(dir, entry.name))).size);
      else others.push(childRel);
    }
  };
  await walk('');
  return { exists: true, files, others };
}

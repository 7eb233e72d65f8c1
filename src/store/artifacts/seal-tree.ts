import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DeeplineError } from '../../errors/index.ts';
import type { ManifestEntry } from '../formats/artifact-meta.ts';
import { hashFile } from './hash-file.ts';

/** Hashes every file under `root/rel` into `out`, makes it read-only, drops empty folders; returns total bytes. */
export async function sealTree(root: string, rel: string, out: ManifestEntry[]): Promise<number> {
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
      out.push({ path: childRel, size: f.size, sha256: f.sha256 });
      size += f.size;
      kept++;
    } else {
      throw new DeeplineError('DL_STORE', `${childRel} is a symbolic link or special file; artifacts hold regular files only`, {
        hint: 'copy the link target into the folder instead',
      });
    }
  }
  if (rel && kept === 0) await fs.rmdir(dir);
  return size;
}

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

// The layout the writer and the reader share: `<log dir>/<model folder>/<segment>.jsonl`, segments
// numbered from 1 and zero-padded so that a listing sorts as they were written.

const SEGMENT = /^(\d+)\.jsonl$/;

/** The file name of segment `n`: `000042.jsonl`. */
export function segmentName(n: number): string {
  return `${String(n).padStart(6, '0')}.jsonl`;
}

/**
 * The folder a model's records go to: its name with anything but letters, digits, `.`, `_` and `-`
 * replaced, so no model name reaches outside the log folder (`..` included).
 */
export function modelFolder(model: string): string {
  const clean = model.replace(/[^A-Za-z0-9._-]/g, '_');
  return /^\.*$/.test(clean) ? `_${clean}` : clean;
}

/** A model folder's segments, as `{ n, path }` in the order they were written; none when the folder is absent. */
export async function listSegments(folder: string): Promise<{ readonly n: number; readonly path: string }[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names
    .map((name) => ({ name, m: SEGMENT.exec(name) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
    .map(({ name, m }) => ({ n: Number(m[1]), path: join(folder, name) }))
    .sort((a, b) => a.n - b.n);
}

import { readdir, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { DeeplineError, fileAccessError } from '../../errors/index.ts';

/**
 * Guesses `data.format` from the path, for `data.format: auto` and `deepline run --data`: a folder
 * with IDX training files is `idx`, any other folder `image-folder`, a file goes by its extension
 * (an image list is a CSV too, so it must be asked for by name).
 */
export async function detectFormat(path: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw fileAccessError(e, path, {
      what: 'data',
      missingCode: 'DL_DATA_MISSING',
      missingHint: "check data.path (relative paths are resolved from the task file's folder)",
    });
  }
  if (info.isDirectory()) {
    const names = await readdir(path).catch((e: unknown) => {
      throw fileAccessError(e, path, { what: 'data folder', missingCode: 'DL_DATA_MISSING' });
    });
    return names.some((n) => /^train-images[.-]idx3-ubyte(\.gz)?$/.test(n)) ? 'idx' : 'image-folder';
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.csv' || ext === '.txt') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new DeeplineError('DL_DATA_FORMAT', `cannot tell the format of ${path} from its extension "${ext}"`, {
    hint: 'set data.format to csv, tsv, jsonl, image-folder, image-list or idx',
    location: { file: path },
  });
}

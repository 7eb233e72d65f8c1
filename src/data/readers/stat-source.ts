import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { DeeplineError } from '../../errors/index.ts';

/**
 * Checks that a data path exists and is the kind the reader needs, so every reader reports a
 * missing file or a file-for-folder mix-up the same way (DL_DATA_MISSING / DL_DATA_FORMAT).
 */
export async function statSource(path: string, expected: 'file' | 'folder', readerName: string): Promise<Stats> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (e) {
    throw new DeeplineError('DL_DATA_MISSING', `data ${expected} ${path} does not exist`, {
      hint: 'check data.path in the task file (relative paths are resolved from the task file\'s folder)',
      location: { file: path },
      cause: e,
    });
  }
  const isFolder = info.isDirectory();
  if (isFolder !== (expected === 'folder')) {
    throw new DeeplineError(
      'DL_DATA_FORMAT',
      `${path} is a ${isFolder ? 'folder' : 'file'}, but the ${readerName} reader expects a ${expected}`,
      {
        hint: isFolder
          ? 'point data.path at the data file, or set data.format to image-folder or idx for a folder'
          : 'point data.path at the folder, or set data.format to csv or tsv for a single file',
        location: { file: path },
      },
    );
  }
  return info;
}

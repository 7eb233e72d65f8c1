import { opendir, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { DeeplineError, fileAccessError } from '../../errors/index.ts';

/**
 * Checks that a data path exists, is the kind the reader needs and can be opened, so every
 * reader reports a missing file (DL_DATA_MISSING), a file-for-folder mix-up (DL_DATA_FORMAT) or
 * an unreadable file or folder (DL_FILE_ACCESS) the same way, before any step spends time.
 */
export async function statSource(path: string, expected: 'file' | 'folder', readerName: string): Promise<Stats> {
  const what = `data ${expected}`;
  const problem = (e: unknown) =>
    fileAccessError(e, path, {
      what,
      missingCode: 'DL_DATA_MISSING',
      missingHint: "check data.path in the task file (relative paths are resolved from the task file's folder)",
    });
  let info: Stats;
  try {
    info = await stat(path);
  } catch (e) {
    throw problem(e);
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
  // Opening now turns "permission denied" into one clear error instead of a failed stream later.
  try {
    if (isFolder) await (await opendir(path)).close();
    else await (await open(path, 'r')).close();
  } catch (e) {
    throw problem(e);
  }
  return info;
}

import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { DeeplineError, fileAccessError } from '../../errors/index.ts';
import { IDX_FILE_PATTERN, scanDataFolder } from './scan-data-folder.ts';
import { DATA_FORMATS, type DataFormat } from './data-formats.ts';

const BY_EXTENSION: Readonly<Record<string, DataFormat>> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/**
 * The format of the data at `path`: a folder of IDX files → idx, a folder of class subfolders →
 * image-folder, a file by its extension. Throws DL_DATA_MISSING when nothing is there and
 * DL_DATA_FORMAT when the format cannot be told.
 */
export async function inferFormat(path: string): Promise<DataFormat> {
  const info = await statOrMissing(path);
  if (info.isDirectory()) {
    const scan = await scanDataFolder(path);
    if (scan.idxFiles.length > 0) return 'idx';
    if (scan.classFolders.length > 0) return 'image-folder';
    throw new DeeplineError('DL_DATA_FORMAT', `cannot tell the format of the folder ${path}: it holds neither class subfolders nor IDX files`, {
      hint: 'put one subfolder of images per class in it (image-folder), or the *-idx3-ubyte(.gz) and *-idx1-ubyte(.gz) files (idx)',
      location: { file: path },
    });
  }
  if (IDX_FILE_PATTERN.test(basename(path))) return 'idx';
  const format = BY_EXTENSION[extname(path).toLowerCase()];
  if (format !== undefined) return format;
  throw new DeeplineError('DL_DATA_FORMAT', `cannot tell the format of ${path} from its extension \`${extname(path) || '(none)'}\``, {
    hint: `set \`data.format\` to one of ${DATA_FORMATS.join(', ')}`,
    location: { file: path },
  });
}

/** `stat`, turning "nothing there" into DL_DATA_MISSING and "not allowed to look" into DL_FILE_ACCESS, naming the path. */
export async function statOrMissing(path: string): Promise<Awaited<ReturnType<typeof stat>>> {
  try {
    return await stat(path);
  } catch (e) {
    throw fileAccessError(e, path, {
      what: 'data',
      missingCode: 'DL_DATA_MISSING',
      missingHint: "fix `data.path`; a relative path is resolved from the task file's folder",
    });
  }
}

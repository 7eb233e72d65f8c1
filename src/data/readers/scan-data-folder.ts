import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileAccessError } from '../../errors/index.ts';

/** IDX files as LeCun's MNIST and Fashion-MNIST ship them: `train-images-idx3-ubyte(.gz)`. */
export const IDX_FILE_PATTERN = /-idx\d-ubyte(\.gz)?$/;

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif']);

export interface DataFolderScan {
  /** IDX file names directly in the folder, sorted. */
  readonly idxFiles: readonly string[];
  /** Subfolders (hidden ones skipped), sorted by name, with how many image files each holds. */
  readonly classFolders: readonly { readonly name: string; readonly images: number }[];
}

/**
 * What a data folder holds, one level deep (plus the files of each subfolder): enough to tell an
 * image folder from an IDX folder without decoding anything.
 */
export async function scanDataFolder(dir: string): Promise<DataFolderScan> {
  const list = (folder: string) =>
    readdir(folder, { withFileTypes: true }).catch((e: unknown) => {
      throw fileAccessError(e, folder, { what: 'data folder', missingCode: 'DL_DATA_MISSING' });
    });
  const entries = await list(dir);
  const idxFiles = entries.filter((e) => e.isFile() && IDX_FILE_PATTERN.test(e.name)).map((e) => e.name).sort();
  const subfolders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  const classFolders = await Promise.all(
    subfolders.map(async (name) => {
      const files = await list(join(dir, name));
      const images = files.filter((f) => f.isFile() && IMAGE_EXTENSIONS.has(extname(f.name).toLowerCase())).length;
      return { name, images };
    }),
  );
  return { idxFiles, classFolders };
}

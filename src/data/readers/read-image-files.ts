import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileAccessError, type DeeplineError } from '../../errors/index.ts';
import { mapConcurrent } from '../map-concurrent.ts';
import type { ImageShape, ReadOptions } from './data-reader.ts';
import { imageDecoder } from './image-decoder.ts';

/** One image to read and its target: a class index, or a number for a regression. */
export interface ImageEntry {
  readonly path: string;
  readonly target: number;
  /** ` (list.csv row 3, line 4)`: where the entry came from, for messages. */
  readonly where?: string;
}

export interface ImageFiles {
  /** The entries that were read, in input order (zero-byte files left out). */
  readonly entries: ImageEntry[];
  readonly shape: ImageShape;
  readonly x: Float32Array;
  readonly y: Float32Array;
}

/**
 * Decodes image files concurrently into one float array (0–255). A zero-byte file is skipped
 * with a warning naming it — an interrupted copy or a placeholder, with no pixels to misread —
 * while a file with content that does not decode is DL_DATA_IMAGE. The first readable image
 * sets the grid when `shape` is undefined; images of another size are resized, with a warning.
 * Files are read one at a time per worker, so memory holds the pixels, not the files.
 */
export async function readImageFiles(entries: readonly ImageEntry[], shape: ImageShape | undefined, options: ReadOptions, warnings: string[]): Promise<ImageFiles> {
  const grid = shape ?? (await probeFirst(entries));
  if (!grid) {
    warnings.push(`skipped ${entries.length} empty (0-byte) image file(s): ${listSome(entries.map(describe))}`);
    return { entries: [], shape: { width: 0, height: 0, channels: 1 }, x: new Float32Array(0), y: new Float32Array(0) };
  }
  const size = grid.width * grid.height * grid.channels;
  let x = new Float32Array(entries.length * size);
  let y = new Float32Array(entries.length);
  const skipped = new Uint8Array(entries.length);
  const empty: string[] = [];
  let done = 0;
  let resized = 0;
  // The first resized image in input order, whichever worker finishes first, so messages are stable.
  let example = -1;
  let exampleSize = '';
  const step = Math.max(1, Math.floor(entries.length / 100));
  const concurrency = Math.max(2, Math.min(8, availableParallelism()));
  await mapConcurrent(
    entries,
    concurrency,
    async (entry, i) => {
      const bytes = await readFile(entry.path).catch((e: unknown) => {
        throw imageFileError(e, entry);
      });
      if (bytes.length === 0) {
        skipped[i] = 1;
        empty.push(describe(entry));
      } else {
        const { pixels, width, height } = await imageDecoder.decode(entry.path, grid, bytes, entry.where);
        if (width !== grid.width || height !== grid.height) {
          resized++;
          if (example < 0 || i < example) [example, exampleSize] = [i, `${width}x${height}`];
        }
        x.set(pixels, i * size);
        y[i] = entry.target;
      }
      done++;
      if (done % step === 0 || done === entries.length) options.onProgress?.({ done, total: entries.length, unit: 'image' });
    },
    options.signal,
  );
  if (resized > 0) warnings.push(`${resized} images were resized to ${grid.width}x${grid.height} (e.g. ${entries[example].path} is ${exampleSize})`);
  if (empty.length === 0) return { entries: [...entries], shape: grid, x, y };
  warnings.push(`skipped ${empty.length} empty (0-byte) image file(s): ${listSome(empty.sort())}`);
  // Close the gaps the empties left, in place, keeping the input order.
  const kept: ImageEntry[] = [];
  for (let i = 0; i < entries.length; i++) {
    if (skipped[i]) continue;
    x.copyWithin(kept.length * size, i * size, (i + 1) * size);
    y[kept.length] = y[i];
    kept.push(entries[i]);
  }
  x = x.slice(0, kept.length * size);
  y = y.slice(0, kept.length);
  return { entries: kept, shape: grid, x, y };
}

/** The grid of the first image that has content; undefined when every file is empty. */
async function probeFirst(entries: readonly ImageEntry[]): Promise<ImageShape | undefined> {
  for (const entry of entries) {
    const { size } = await stat(entry.path).catch((e: unknown) => {
      throw imageFileError(e, entry);
    });
    if (size > 0) return imageDecoder.probe(entry.path, entry.where);
  }
  return undefined;
}

/** An image that vanished or cannot be opened: named with the list row it came from. */
function imageFileError(e: unknown, entry: ImageEntry): DeeplineError {
  return fileAccessError(e, entry.path, { what: 'image', where: entry.where, missingCode: 'DL_DATA_MISSING', missingHint: 'restore the image, or remove it from the data' });
}

function describe(entry: ImageEntry): string {
  return entry.path + (entry.where ?? '');
}

function listSome(items: readonly string[]): string {
  return items.length <= 5 ? items.join(', ') : `${items.slice(0, 5).join(', ')}, … (${items.length} in all)`;
}

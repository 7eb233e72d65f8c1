import { readFile } from 'node:fs/promises';
import { loadSharp } from './load-sharp.ts';
import { DeeplineError, fileAccessError, isFileSystemError } from '../../errors/index.ts';
import type { ImageShape } from './data-reader.ts';

/** Decoded pixels (0–255, row-major [height, width, channels]) and the size the file had. */
export interface DecodedImage {
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/**
 * Image decoding shared by the image readers (folder, list), through sharp: PNG, JPEG and WebP,
 * resized to one grid and channel count. A file that cannot be decoded is DL_DATA_IMAGE naming
 * it; `where` adds the list row it came from.
 */
export const imageDecoder = {
  /** The grid the first image sets when the task does not: its size, and grayscale or RGB. */
  async probe(path: string, where = ''): Promise<ImageShape> {
    try {
      const sharp = await loadSharp();
      const meta = await sharp(await readFile(path)).metadata();
      if (!meta.width || !meta.height) throw new Error('no image size in the file');
      const grey = meta.channels === 1 || meta.channels === 2 || meta.space === 'b-w';
      return { width: meta.width, height: meta.height, channels: grey ? 1 : 3 };
    } catch (e) {
      throw imageError(path, where, e);
    }
  },

  /** `bytes` is the file's content when the caller already read it. */
  async decode(path: string, shape: ImageShape, bytes?: Buffer, where = ''): Promise<DecodedImage> {
    try {
      const input = bytes ?? (await readFile(path));
      const sharp = await loadSharp();
      const meta = await sharp(input).metadata();
      let image = sharp(input).resize(shape.width, shape.height, { fit: 'fill' }).removeAlpha();
      image = shape.channels === 1 ? image.toColourspace('b-w') : image.toColourspace('srgb');
      const { data, info } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      if (info.channels !== shape.channels || data.length !== shape.width * shape.height * shape.channels) {
        throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}, expected ${shape.width}x${shape.height}x${shape.channels}`);
      }
      return { pixels: data, width: meta.width ?? 0, height: meta.height ?? 0 };
    } catch (e) {
      throw imageError(path, where, e);
    }
  },
} as const;

function imageError(path: string, where: string, e: unknown): DeeplineError {
  if (e instanceof DeeplineError) return e;
  if (isFileSystemError(e)) return fileAccessError(e, path, { what: 'image', where, missingCode: 'DL_DATA_MISSING' });
  const reason = e instanceof Error ? e.message : String(e);
  return new DeeplineError('DL_DATA_IMAGE', `cannot read image ${path}${where}: ${reason}`, {
    hint: 'replace or delete the file (PNG, JPEG and WebP are supported)',
    location: { file: path },
    cause: e,
  });
}

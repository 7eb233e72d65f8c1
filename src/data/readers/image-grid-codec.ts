import type { ImageGrid } from '../transform/instance-codec.ts';
import { loadSharp } from './load-sharp.ts';

/**
 * An image file's bytes (PNG, JPEG, WebP) → its pixels on a model's grid: resized to width x
 * height (fill), alpha removed, grey or sRGB by `channels`, as 8-bit values, row-major, channels
 * last. The server decodes `{ image }` instances this way, and labelled image rows are read back
 * this way, so both see the same pixels. Throws sharp's error on bytes that do not decode.
 */
export async function decodeToGrid(bytes: Uint8Array, grid: Pick<ImageGrid, 'width' | 'height' | 'channels'>): Promise<Buffer> {
  const sharp = await loadSharp();
  let pipeline = sharp(bytes).resize(grid.width, grid.height, { fit: 'fill' }).removeAlpha();
  pipeline = grid.channels === 1 ? pipeline.toColourspace('b-w') : pipeline.toColourspace('srgb');
  return pipeline.raw({ depth: 'uchar' }).toBuffer();
}

/** Pixels on a model's grid, in its training scale (0..scale), as a PNG: each value mapped to 0..255 and rounded. */
export async function pixelsToPng(pixels: readonly number[], grid: ImageGrid): Promise<Buffer> {
  const size = grid.width * grid.height * grid.channels;
  if (pixels.length !== size) throw new RangeError(`${pixels.length} pixel values, not ${grid.height}x${grid.width}x${grid.channels}`);
  const raw = Buffer.alloc(size);
  pixels.forEach((v, k) => (raw[k] = Math.max(0, Math.min(255, Math.round((Number(v) / grid.scale) * 255))) || 0));
  const sharp = await loadSharp();
  return sharp(raw, { raw: { width: grid.width, height: grid.height, channels: grid.channels } }).png().toBuffer();
}

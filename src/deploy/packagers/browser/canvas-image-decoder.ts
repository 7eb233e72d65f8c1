import { DeeplineError } from '../../../errors/deepline-error.ts';
import type { ImageDecoder, ImageGrid } from '../../../data/transform/instance-codec.ts';
import { browser, type CanvasLike, type ImageDataLike } from './dom.ts';
import { rgbaToPixels } from './rgba-to-pixels.ts';

const ACCEPTS = 'an ImageData, ImageBitmap, <img>, <canvas>, <video>, OffscreenCanvas, Blob or File, or an image URL';

/**
 * `{ image }` in the browser: drawn onto a canvas of the model's grid (stretched to fill it, as
 * the server's `fit: 'fill'`), then read back as the image readers read training files. An
 * ImageData already on the grid is used as is, so no resampling touches it.
 */
export const canvasImageDecoder: ImageDecoder = {
  accepts: ACCEPTS,
  async decode(image, grid) {
    if (isImageData(image) && image.width === grid.width && image.height === grid.height) return rgbaToPixels(image.data, grid);
    const source = await drawable(image);
    try {
      const context = canvas(grid).getContext('2d', { willReadFrequently: true });
      if (!context) throw new Error('this browser gives no 2-D canvas context');
      context.imageSmoothingEnabled = true;
      context.imageSmoothingQuality = 'high';
      try {
        context.drawImage(source.image, 0, 0, grid.width, grid.height);
      } catch (e) {
        throw bad(`field image holds ${describe(image)}, which a canvas cannot draw (${(e as Error).message})`);
      }
      return rgbaToPixels(context.getImageData(0, 0, grid.width, grid.height).data, grid);
    } finally {
      source.release();
    }
  },
};

/** Something drawImage takes, and what to free once it is drawn. */
async function drawable(image: unknown): Promise<{ image: unknown; release(): void }> {
  if (image === null || image === undefined) throw bad('field image is empty');
  if (typeof image === 'string' || image instanceof URL) return bitmap(await fetchImage(String(image)));
  if (image instanceof Blob || isImageData(image)) return bitmap(image);
  if (typeof image !== 'object') throw bad(`field image holds ${describe(image)}`);
  // An <img> still loading draws as nothing; wait for it, as a user expects.
  const element = image as { complete?: boolean; decode?: () => Promise<void> };
  if (element.complete === false && typeof element.decode === 'function') await element.decode();
  return { image, release: () => undefined };
}

async function bitmap(source: Blob | ImageDataLike): Promise<{ image: unknown; release(): void }> {
  if (!browser.createImageBitmap) throw bad('this browser has no createImageBitmap to decode the image');
  try {
    const decoded = await browser.createImageBitmap(source);
    return { image: decoded, release: () => decoded.close() };
  } catch (e) {
    throw bad(`field image does not decode as an image (${(e as Error).message})`);
  }
}

async function fetchImage(url: string): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(new URL(url, browser.location?.href));
  } catch (e) {
    throw bad(`field image: cannot fetch ${url} (${(e as Error).message})`);
  }
  if (!response.ok) throw bad(`field image: fetching ${url} answered ${response.status}`);
  return response.blob();
}

function canvas(grid: ImageGrid): CanvasLike {
  if (browser.OffscreenCanvas) return new browser.OffscreenCanvas(grid.width, grid.height);
  const element = browser.document?.createElement('canvas') as unknown as CanvasLike | undefined;
  if (!element) throw bad('there is no canvas here to decode the image on');
  element.width = grid.width;
  element.height = grid.height;
  return element;
}

function isImageData(value: unknown): value is ImageDataLike {
  const v = value as Partial<ImageDataLike> | null;
  return typeof v === 'object' && v !== null && v.data instanceof Uint8ClampedArray && typeof v.width === 'number' && typeof v.height === 'number';
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? String(value);
  return `a ${(value as object).constructor?.name ?? 'object'}`;
}

function bad(message: string): DeeplineError {
  return new DeeplineError('DL_DATA_VALUE', message, { hint: `send ${ACCEPTS}`, location: { field: 'image' } });
}

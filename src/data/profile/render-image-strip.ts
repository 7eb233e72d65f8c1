import { loadSharp } from '../readers/load-sharp.ts';

export interface ImageStripOptions {
  readonly height: number;
  readonly width: number;
  /** 1 (grey) or 3 (RGB); values are channels-last, as in a Dataset. */
  readonly channels: number;
  /** Pixel values mapped to black and white. */
  readonly range: { readonly min: number; readonly max: number };
  /** Longest side of each cell in the PNG (default 64): small images are enlarged, large ones shrunk. */
  readonly cell?: number;
}

const GAP = 2;

/**
 * Draws images side by side into one PNG (nearest-neighbour scaling, a 2-pixel white gap), for
 * the sample strips of the data report. Returns the PNG bytes.
 */
export async function renderImageStrip(images: readonly Float32Array[], o: ImageStripOptions): Promise<Buffer> {
  const cell = o.cell ?? 64;
  const side = Math.max(o.height, o.width);
  // Whole-number enlargement keeps small images crisp; large ones are shrunk to fit the cell.
  const f = side <= cell ? Math.max(1, Math.floor(cell / side)) : cell / side;
  const ch = Math.max(1, Math.round(o.height * f));
  const cw = Math.max(1, Math.round(o.width * f));
  const outChannels = o.channels >= 3 ? 3 : 1;
  const count = Math.max(1, images.length);
  const stripW = count * cw + (count - 1) * GAP;
  const raw = Buffer.alloc(stripW * ch * outChannels, 255);
  const span = o.range.max > o.range.min ? o.range.max - o.range.min : 1;
  images.forEach((img, k) => {
    const x0 = k * (cw + GAP);
    for (let py = 0; py < ch; py++) {
      const sy = Math.min(o.height - 1, Math.floor(py / f));
      for (let px = 0; px < cw; px++) {
        const sx = Math.min(o.width - 1, Math.floor(px / f));
        const src = (sy * o.width + sx) * o.channels;
        const dst = (py * stripW + x0 + px) * outChannels;
        for (let c = 0; c < outChannels; c++) {
          const v = (img[src + c] - o.range.min) / span;
          raw[dst + c] = Math.max(0, Math.min(255, Math.round(v * 255)));
        }
      }
    }
  });
  const sharp = await loadSharp();
  return sharp(raw, { raw: { width: stripW, height: ch, channels: outChannels } }).png().toBuffer();
}

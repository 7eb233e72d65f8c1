import type { ImageGrid } from '../../../data/transform/instance-codec.ts';

/**
 * A canvas's RGBA bytes (already on the model's grid) → the model's pixels in the training data's
 * scale (0..scale), as the image readers make them with sharp: alpha dropped, and grey as
 * libvips' sRGB → B_W makes it (Rec. 709 luminance in linear light, back to sRGB, rounded to a
 * byte), so a grey image gives back exactly its own values.
 */
export function rgbaToPixels(rgba: ArrayLike<number>, grid: ImageGrid): Float32Array {
  const n = grid.width * grid.height;
  if (rgba.length !== n * 4) throw new RangeError(`expected ${n * 4} RGBA bytes for ${grid.width}x${grid.height}, got ${rgba.length}`);
  const out = new Float32Array(n * grid.channels);
  const unit = grid.scale / 255;
  for (let i = 0; i < n; i++) {
    const [r, g, b] = [rgba[4 * i]!, rgba[4 * i + 1]!, rgba[4 * i + 2]!];
    if (grid.channels === 3) {
      out[3 * i] = r * unit;
      out[3 * i + 1] = g * unit;
      out[3 * i + 2] = b * unit;
    } else {
      out[i] = (r === g && g === b ? r : grey(r, g, b)) * unit;
    }
  }
  return out;
}

function grey(r: number, g: number, b: number): number {
  const y = 0.2126 * LINEAR[r]! + 0.7152 * LINEAR[g]! + 0.0722 * LINEAR[b]!;
  const v = y <= 0.0031308 ? 12.92 * y : 1.055 * y ** (1 / 2.4) - 0.055;
  return Math.min(255, Math.max(0, Math.round(v * 255)));
}

/** sRGB byte → linear light, 0..1. */
const LINEAR = Float64Array.from({ length: 256 }, (_, v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

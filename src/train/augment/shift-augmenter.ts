import { z } from 'zod';
import type { Augmenter } from './augmenter.ts';
import { batchRandom } from './batch-random.ts';
import { transformImages } from './transform-images.ts';

const optionsSchema = z.strictObject({
  /** Largest shift as a share of the image's height (vertically) and width (horizontally). */
  share: z.number().gt(0).max(0.5),
  fill: z.enum(['zero', 'edge']).default('zero'),
});

export type ShiftOptions = z.infer<typeof optionsSchema>;

/**
 * Translates each image by a whole number of pixels, up to round(share × size) each way.
 * Whole pixels keep the image sharp: a fractional shift would blur every stroke.
 */
export const shiftAugmenter: Augmenter<ShiftOptions> = {
  name: 'shift',
  appliesTo: 'image',
  description: 'random translations by whole pixels',
  optionsSchema,
  create(options, seed) {
    return (x, ctx) => {
      const random = batchRandom(seed, ctx);
      const [b, h, w] = x.shape;
      const maxY = Math.round(options.share * h);
      const maxX = Math.round(options.share * w);
      const transforms = new Float32Array(b * 8);
      for (let i = 0; i < b; i++) {
        const dy = random.int(2 * maxY + 1) - maxY;
        const dx = random.int(2 * maxX + 1) - maxX;
        // Output pixel (x, y) reads input (x - dx, y - dy): the content moves by (+dx, +dy).
        transforms.set([1, 0, -dx, 0, 1, -dy, 0, 0], i * 8);
      }
      return transformImages(x, transforms, { interpolation: 'nearest', fill: options.fill });
    };
  },
};

import { z } from 'zod';
import type { Augmenter } from './augmenter.ts';
import { batchRandom } from './batch-random.ts';
import { transformImages } from './transform-images.ts';

const optionsSchema = z.strictObject({
  /** Largest share of each side cropped away before the crop is scaled back to full size. */
  share: z.number().gt(0).lt(1),
});

export type CropOptions = z.infer<typeof optionsSchema>;

/**
 * Takes a random crop of each image, keeping its aspect ratio and between (1 - share) and all of
 * each side, and resizes it back to the full size (bilinear): a random zoom-in, shape kept.
 */
export const cropAugmenter: Augmenter<CropOptions> = {
  name: 'crop',
  appliesTo: 'image',
  description: 'random crops resized back to full size',
  optionsSchema,
  create(options, seed) {
    return (x, ctx) => {
      const random = batchRandom(seed, ctx);
      const [b, h, w] = x.shape;
      const transforms = new Float32Array(b * 8);
      for (let i = 0; i < b; i++) {
        const scale = 1 - options.share * random.next();
        const ox = (1 - scale) * w * random.next();
        const oy = (1 - scale) * h * random.next();
        // Pixel centres of the output map onto the crop's pixel centres (half-pixel aligned).
        transforms.set([scale, 0, 0.5 * scale - 0.5 + ox, 0, scale, 0.5 * scale - 0.5 + oy, 0, 0], i * 8);
      }
      // Edge fill: the crop's last half pixel may reach just past the image border.
      return transformImages(x, transforms, { interpolation: 'bilinear', fill: 'edge' });
    };
  },
};

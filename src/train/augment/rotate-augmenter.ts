import { z } from 'zod';
import type { Augmenter } from './augmenter.ts';
import { batchRandom } from './batch-random.ts';
import { rotationTransform } from './rotation-transform.ts';
import { transformImages } from './transform-images.ts';

const optionsSchema = z.strictObject({
  /** Largest rotation either way, in degrees. */
  degrees: z.number().gt(0).max(180),
  fill: z.enum(['zero', 'edge']).default('zero'),
});

export type RotateOptions = z.infer<typeof optionsSchema>;

/** Rotates each image about its centre by an angle drawn uniformly from ±degrees (bilinear). */
export const rotateAugmenter: Augmenter<RotateOptions> = {
  name: 'rotate',
  appliesTo: 'image',
  description: 'random small rotations about the image centre',
  optionsSchema,
  create(options, seed) {
    return (x, ctx) => {
      const random = batchRandom(seed, ctx);
      const [b, h, w] = x.shape;
      const transforms = new Float32Array(b * 8);
      for (let i = 0; i < b; i++) transforms.set(rotationTransform((2 * random.next() - 1) * options.degrees, h, w), i * 8);
      return transformImages(x, transforms, { interpolation: 'bilinear', fill: options.fill });
    };
  },
};

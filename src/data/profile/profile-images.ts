import type { Dataset } from '../dataset.ts';
import { featureSize } from '../dataset.ts';
import type { ImageProfile } from './data-profile.ts';
import { renderImageStrip } from './render-image-strip.ts';
import { summariseImages, type SummariseImagesOptions } from './summarise-images.ts';

export interface ProfileImagesOptions extends SummariseImagesOptions {
  /** Render each class's mean image and examples as a PNG data URI (default true). */
  readonly renderSamples?: boolean;
}

/**
 * Profiles an image data set (see summariseImages) and draws, per class, a strip of its mean image
 * followed by the picked examples, embedded in the profile as PNG data URIs.
 */
export async function profileImages(dataset: Dataset, options: ProfileImagesOptions = {}): Promise<ImageProfile> {
  const { profile, meanImages, pixelRange } = summariseImages(dataset, options);
  if (options.renderSamples === false) return profile;
  const d = featureSize(dataset);
  const samples = await Promise.all(
    profile.samples.map(async (s, g) => {
      const images = [meanImages[g], ...s.indices.map((i) => dataset.x.subarray(i * d, (i + 1) * d))];
      const png = await renderImageStrip(images, { height: profile.height, width: profile.width, channels: profile.channels, range: pixelRange });
      return { ...s, png: `data:image/png;base64,${png.toString('base64')}` };
    }),
  );
  return { ...profile, samples };
}

import type { Dataset } from '../dataset.ts';
import { createSeededRandom } from '../../seed/seeded-random.ts';
import { classBalance } from './class-balance.ts';
import { countDuplicates } from './count-duplicates.ts';
import { PROFILE_FORMAT_VERSION, type ChannelStats, type ImageProfile } from './data-profile.ts';
import { RowHasher } from './row-hasher.ts';
import { summariseNumbers } from './summarise-numbers.ts';

export interface SummariseImagesOptions {
  /** Pixel histogram bins per channel (default 32). */
  readonly bins?: number;
  /** Example images picked per class for the report (default 8). */
  readonly samplesPerClass?: number;
  /** Seed for picking the examples; without one, the first examples of each class are shown. */
  readonly seed?: number;
}

/** Everything an image profile holds except the rendered sample strips, plus each class's mean image. */
export interface ImageSummary {
  readonly profile: ImageProfile;
  /** Per class (or one group when the target is numeric): the mean image, d values. */
  readonly meanImages: readonly Float32Array[];
  /** Smallest and largest pixel value over the data set, for display scaling. */
  readonly pixelRange: { readonly min: number; readonly max: number };
}

/**
 * Image statistics in three linear passes over the pixel array: per-channel mean/std/min/max and
 * pixel histograms (channels last, as in [h, w, c]), class balance, the mean image and mean
 * intensity per class, constant (blank) images, and duplicates by a hash of each image's pixels.
 */
export function summariseImages(dataset: Dataset, options: SummariseImagesOptions = {}): ImageSummary {
  const [height, width, channels] = imageShape(dataset.featureShape);
  const d = height * width * channels;
  const { n, x, y } = dataset;
  const bins = options.bins ?? 32;
  const isClass = dataset.target.kind === 'class';
  const classNames = dataset.target.kind === 'class' ? dataset.target.classes : ['all'];
  const k = classNames.length;
  const groupOf = (i: number): number => {
    if (!isClass) return 0;
    const label = y[i];
    return label >= 0 && label < k && Number.isInteger(label) ? label : -1;
  };

  // Pass 1: sums, ranges, per-class mean images, constant images.
  const sum = new Float64Array(channels);
  const min = new Float64Array(channels).fill(Infinity);
  const max = new Float64Array(channels).fill(-Infinity);
  const classSums = Array.from({ length: k }, () => new Float64Array(d));
  const classCounts = new Float64Array(k);
  let integer = true;
  let constantImages = 0;
  for (let i = 0; i < n; i++) {
    const base = i * d;
    const g = groupOf(i);
    const acc = g >= 0 ? classSums[g] : undefined;
    if (g >= 0) classCounts[g]++;
    const first = x[base];
    let constant = true;
    for (let j = 0; j < d; j++) {
      const v = x[base + j];
      const c = channels === 1 ? 0 : j % channels;
      sum[c] += v;
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
      if (integer && v !== Math.floor(v)) integer = false;
      if (v !== first) constant = false;
      if (acc) acc[j] += v;
    }
    if (constant) constantImages++;
  }
  const perChannel = n * height * width;
  const mean = Array.from(sum, (s) => (perChannel > 0 ? s / perChannel : Number.NaN));
  const lo = Math.min(...min);
  const hi = Math.max(...max);
  // Whole-number pixels (0..255) get bins over [lo, hi + 1) so each bin holds the same count of values.
  const top = integer ? hi + 1 : hi;
  const width1 = n > 0 && top > lo ? (top - lo) / bins : 1;

  // Pass 2: squared deviations and histograms.
  const ss = new Float64Array(channels);
  const hist = Array.from({ length: channels }, () => new Float64Array(bins));
  for (let i = 0; i < n * d; i++) {
    const v = x[i];
    const c = channels === 1 ? 0 : i % channels;
    const dev = v - mean[c];
    ss[c] += dev * dev;
    let b = Math.floor((v - lo) / width1);
    if (b >= bins) b = bins - 1;
    else if (b < 0) b = 0;
    hist[c][b]++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, b) => (b === bins ? top : lo + b * width1));
  const channelStats: ChannelStats[] = Array.from({ length: channels }, (_, c) => ({
    mean: mean[c],
    std: perChannel > 0 ? Math.sqrt(ss[c] / perChannel) : Number.NaN,
    min: min[c],
    max: max[c],
    histogram: { edges, counts: Array.from(hist[c]) },
  }));

  // Pass 3: duplicates — images alone, then images with their labels.
  const hasher = new RowHasher(n);
  hasher.mixFloat32Rows(x, d);
  const inputs = hasher.digest();
  hasher.mixNumbers(Float64Array.from(y));
  const duplicates = countDuplicates(hasher.digest(), inputs);

  const meanImages = classSums.map((s, g) => Float32Array.from(s, (v) => (classCounts[g] > 0 ? v / classCounts[g] : 0)));
  const samples = pickSamples(n, k, groupOf, options.samplesPerClass ?? 8, options.seed).map((indices, g) => ({ class: classNames[g], indices }));
  const target =
    dataset.target.kind === 'class'
      ? classBalance(dataset.target.name, y, dataset.target.classes)
      : { kind: 'numeric' as const, name: dataset.target.name, stats: summariseNumbers(y), missing: y.reduce((a, v) => a + (v !== v ? 1 : 0), 0) };
  const profile: ImageProfile = {
    formatVersion: PROFILE_FORMAT_VERSION,
    kind: 'images',
    count: n,
    height,
    width,
    channels,
    channelStats,
    ...(isClass && { classMeanIntensity: meanImages.map((img) => img.reduce((a, v) => a + v, 0) / d) }),
    target,
    duplicates,
    constantImages,
    samples,
    ...(dataset.dataVersion !== undefined && { dataVersion: dataset.dataVersion }),
  };
  return { profile, meanImages, pixelRange: { min: n > 0 ? lo : 0, max: n > 0 ? hi : 1 } };
}

function imageShape(shape: readonly number[]): [number, number, number] {
  if (shape.length === 3) return [shape[0], shape[1], shape[2]];
  if (shape.length === 2) return [shape[0], shape[1], 1];
  throw new Error(`image profiling needs examples of shape [height, width, channels], got [${shape.join(', ')}]`);
}

/** Up to `per` example indices per group: a seeded random choice, or the first ones without a seed. */
function pickSamples(n: number, k: number, groupOf: (i: number) => number, per: number, seed: number | undefined): number[][] {
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) {
    const g = groupOf(i);
    if (g >= 0 && (seed !== undefined || members[g].length < per)) members[g].push(i);
  }
  if (seed === undefined) return members;
  const random = createSeededRandom(seed);
  return members.map((list) => {
    // Partial Fisher–Yates: only the first `per` places need to be random.
    const m = Math.min(per, list.length);
    for (let i = 0; i < m; i++) {
      const j = i + random.int(list.length - i);
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list.slice(0, m);
  });
}

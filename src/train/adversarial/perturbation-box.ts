import { featureSize, type Dataset } from '../../data/dataset.ts';
import { DeeplineError } from '../../errors/index.ts';

/**
 * Where an attacker may move an input, in model-input space (after normalisation), per feature:
 * the valid range [lower, upper] and whether the feature may change at all. A perturbation of
 * size ε moves feature j by at most ε·(upper[j] − lower[j]), so ε is a fraction of each
 * feature's range, whatever its units.
 */
export interface PerturbationBox {
  /** Feature count (the product of the example shape). */
  readonly size: number;
  readonly lower: Float32Array;
  readonly upper: Float32Array;
  /** 1 where the feature may change; 0 for categorical and indicator features and constant ones. */
  readonly free: Uint8Array;
}

export interface BoxOptions {
  /**
   * Features that must not change (one-hot slots, missing-value indicators, booleans): true at
   * their index. Default none.
   */
  readonly frozen?: readonly boolean[];
}

/**
 * The box of a training split: the training minimum and maximum of each feature. Images
 * ([height, width, channels]) take the range of their channel rather than of each pixel, since
 * any pixel may take any value its channel takes (a border pixel that is always blank in
 * training is not therefore fixed). A feature constant in training has no range and stays fixed.
 */
export function perturbationBox(train: Dataset, options: BoxOptions = {}): PerturbationBox {
  const size = featureSize(train);
  if (train.n < 1) throw new DeeplineError('DL_INTERNAL', 'a perturbation box needs at least one training example');
  if (options.frozen && options.frozen.length !== size) {
    throw new DeeplineError('DL_INTERNAL', `the frozen-feature mask has ${options.frozen.length} entries for ${size} features`);
  }
  const lower = new Float32Array(size).fill(Infinity);
  const upper = new Float32Array(size).fill(-Infinity);
  for (let i = 0; i < train.n; i++) {
    const row = train.x.subarray(i * size, (i + 1) * size);
    for (let j = 0; j < size; j++) {
      const v = row[j];
      if (v < lower[j]) lower[j] = v;
      if (v > upper[j]) upper[j] = v;
    }
  }
  if (train.featureShape.length === 3 && !train.tokens) poolChannels(lower, upper, train.featureShape[2]);
  const free = new Uint8Array(size);
  for (let j = 0; j < size; j++) free[j] = upper[j] > lower[j] && !options.frozen?.[j] ? 1 : 0;
  return { size, lower, upper, free };
}

/** Every pixel of a channel gets the channel's range. */
function poolChannels(lower: Float32Array, upper: Float32Array, channels: number): void {
  for (let c = 0; c < channels; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = c; j < lower.length; j += channels) {
      lo = Math.min(lo, lower[j]);
      hi = Math.max(hi, upper[j]);
    }
    for (let j = c; j < lower.length; j += channels) {
      lower[j] = lo;
      upper[j] = hi;
    }
  }
}

/** The features an attacker may change, as a count: the L2 radius scales with its square root. */
export function freeCount(box: PerturbationBox): number {
  let n = 0;
  for (let j = 0; j < box.size; j++) n += box.free[j];
  return n;
}

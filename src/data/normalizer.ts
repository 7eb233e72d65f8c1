import { DeeplineError } from '../errors/deepline-error.ts';
import type { Dataset } from './dataset.ts';
import { FORMAT_VERSIONS } from '../store/formats/format-versions.ts';

export const TRANSFORM_VERSION = FORMAT_VERSIONS.normalizer;

/** Standardises a regression target; models learn (y - mean) / std, reports use original units. */
export interface TargetScaler {
  readonly mean: number;
  readonly std: number;
}

interface TransformBase {
  readonly version: typeof TRANSFORM_VERSION;
  readonly featureShape: readonly number[];
  readonly target?: TargetScaler;
}

/**
 * A fitted normalisation as plain JSON, so training, evaluation and serving apply the very same
 * numbers. `tabular-standardize`: x' = (x - mean[j]) / std[j] per feature j.
 * `image-standardize`: x' = (x / scale - mean[c]) / std[c] per channel c of [h, w, c] data.
 */
export type DataTransform =
  | (TransformBase & { readonly kind: 'identity' })
  | (TransformBase & { readonly kind: 'tabular-standardize'; readonly mean: readonly number[]; readonly std: readonly number[] })
  | (TransformBase & {
      readonly kind: 'image-standardize';
      readonly scale: number;
      readonly mean: readonly number[];
      readonly std: readonly number[];
    });

/** `auto`: image standardisation for [h, w, c] data, per-feature standardisation otherwise. */
export type NormalizeMode = 'auto' | 'tabular' | 'image' | 'none';

export interface FitOptions {
  readonly mode?: NormalizeMode;
  /** Standardise a numeric target too (default true for regression). */
  readonly scaleTarget?: boolean;
}

/** Fits the transform on the training split only, so no validation or test value leaks into it. */
export function fitTransform(train: Dataset, options: FitOptions = {}): DataTransform {
  if (train.n === 0) {
    throw new DeeplineError('DL_DATA_VALUE', 'cannot fit a normalisation on an empty training split', {
      hint: 'give the training split more data (data file or split.train)',
    });
  }
  const featureShape = [...train.featureShape];
  const target = train.target.kind === 'numeric' && options.scaleTarget !== false ? fitTarget(train.y) : undefined;
  const mode = options.mode ?? 'auto';
  const withTarget = target ? { target } : {};
  if (mode === 'none') return { kind: 'identity', version: TRANSFORM_VERSION, featureShape, ...withTarget };
  if (mode === 'image' || (mode === 'auto' && featureShape.length === 3)) {
    if (featureShape.length !== 3) {
      throw new DeeplineError('DL_DATA_FORMAT', `image normalisation needs [height, width, channels] data, but the data has shape [${featureShape.join(', ')}]`, {
        hint: 'set data.image for pixel columns, or use tabular normalisation',
      });
    }
    let max = 0;
    for (let i = 0; i < train.x.length; i++) if (train.x[i] > max) max = train.x[i];
    // An all-zero training set would divide by zero; leaving the scale at 1 is harmless there.
    const scale = max > 0 ? max : 1;
    const { mean, std } = columnStats(train.x, featureShape[2], scale);
    return { kind: 'image-standardize', version: TRANSFORM_VERSION, featureShape, scale, mean, std, ...withTarget };
  }
  const { mean, std } = columnStats(train.x, featureShape.reduce((a, b) => a * b, 1), 1);
  return { kind: 'tabular-standardize', version: TRANSFORM_VERSION, featureShape, mean, std, ...withTarget };
}

/** A new data set with features (and, when the transform scales it, the target) transformed. */
export function applyTransform(transform: DataTransform, ds: Dataset): Dataset {
  if (ds.featureShape.join('x') !== transform.featureShape.join('x')) {
    throw new DeeplineError('DL_DATA_FORMAT', `the normalisation was fitted on shape [${transform.featureShape.join(', ')}], but the data has shape [${ds.featureShape.join(', ')}]`, {
      hint: 'use the transform that was fitted for this model\'s data',
    });
  }
  const y = transform.target ? scaleTarget(transform.target, ds.y) : ds.y.slice();
  return { ...ds, x: transformFeatures(transform, ds.x), y };
}

/** Transforms a batch of examples (row-major, any count); what serving calls on raw inputs. */
export function transformFeatures(transform: DataTransform, x: Float32Array): Float32Array {
  const d = transform.featureShape.reduce((a, b) => a * b, 1);
  if (x.length % d !== 0) {
    throw new DeeplineError('DL_DATA_FORMAT', `got ${x.length} values, not a whole number of examples of ${d} features`, {
      hint: `send examples of shape [${transform.featureShape.join(', ')}]`,
    });
  }
  if (transform.kind === 'identity') return x.slice();
  const out = new Float32Array(x.length);
  const width = transform.mean.length;
  const scale = transform.kind === 'image-standardize' ? transform.scale : 1;
  const { mean, std } = transform;
  for (let i = 0; i < x.length; i++) {
    const j = i % width;
    out[i] = (x[i] / scale - mean[j]) / std[j];
  }
  return out;
}

/** Predictions or targets from the standardised scale back to original units. */
export function inverseTarget(transform: DataTransform, y: ArrayLike<number>): Float32Array {
  const out = new Float32Array(y.length);
  const { mean, std } = transform.target ?? { mean: 0, std: 1 };
  for (let i = 0; i < y.length; i++) out[i] = y[i] * std + mean;
  return out;
}

/** Checks a transform read back from JSON (an artifact or a deployed bundle). */
export function parseTransform(value: unknown): DataTransform {
  const t = value as Partial<Record<string, unknown>> | null;
  const fail = (why: string): never => {
    throw new DeeplineError('DL_DATA_FORMAT', `not a usable normalisation transform: ${why}`, {
      hint: 'the transform comes from the normalize step of the same deepline version; rerun the pipeline',
    });
  };
  if (typeof t !== 'object' || t === null) return fail('not an object');
  if (t.version !== TRANSFORM_VERSION) return fail(`version ${String(t.version)}, this deepline reads version ${TRANSFORM_VERSION}`);
  if (!Array.isArray(t.featureShape) || !t.featureShape.every((v) => Number.isInteger(v) && v > 0)) return fail('bad featureShape');
  const shape = t.featureShape as number[];
  const numbers = (v: unknown, n: number): boolean => Array.isArray(v) && v.length === n && v.every((e) => Number.isFinite(e));
  if (t.target !== undefined) {
    const s = t.target as Partial<TargetScaler>;
    if (!Number.isFinite(s.mean) || !Number.isFinite(s.std) || s.std === 0) fail('bad target scaler');
  }
  const width = t.kind === 'image-standardize' ? shape[2] : shape.reduce((a, b) => a * b, 1);
  if (t.kind === 'image-standardize' && (shape.length !== 3 || !(Number(t.scale) > 0))) {
    fail('image transform needs [h, w, c] and a positive scale');
  }
  if (t.kind === 'image-standardize' || t.kind === 'tabular-standardize') {
    if (!numbers(t.mean, width) || !numbers(t.std, width) || (t.std as number[]).some((s) => s === 0)) {
      fail(`mean/std must be ${width} finite numbers`);
    }
  } else if (t.kind !== 'identity') {
    fail(`unknown kind ${String(t.kind)}`);
  }
  return value as DataTransform;
}

/** Per-column mean and population std of x / scale, where column = index mod width; sums in float64. */
function columnStats(x: Float32Array, width: number, scale: number): { mean: number[]; std: number[] } {
  const count = x.length / width;
  const sum = new Float64Array(width);
  for (let i = 0; i < x.length; i++) sum[i % width] += x[i] / scale;
  const mean = Array.from(sum, (s) => s / count);
  const squares = new Float64Array(width);
  for (let i = 0; i < x.length; i++) {
    const d = x[i] / scale - mean[i % width];
    squares[i % width] += d * d;
  }
  const std = Array.from(squares, (s, j) => safeStd(Math.sqrt(s / count), mean[j]));
  return { mean, std };
}

function fitTarget(y: Float32Array): TargetScaler {
  const { mean, std } = columnStats(y, 1, 1);
  return { mean: mean[0], std: std[0] };
}

/** A constant column has no spread to divide by; float32 rounding can leave a tiny non-zero one. */
function safeStd(std: number, mean: number): number {
  return std > 1e-7 * Math.max(1, Math.abs(mean)) ? std : 1;
}

function scaleTarget(target: TargetScaler, y: Float32Array): Float32Array {
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = (y[i] - target.mean) / target.std;
  return out;
}

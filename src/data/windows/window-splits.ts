import { DeeplineError } from '../../errors/index.ts';
import type { Dataset } from '../dataset.ts';
import { TRANSFORM_VERSION, type DataTransform } from '../normalizer.ts';
import type { Column, Table } from '../table.ts';
import { makeWindows } from './make-windows.ts';
import { naiveForecastError, type NaiveForecastError } from './naive-forecast-error.ts';

export interface WindowSplitsOptions {
  readonly window: number;
  readonly horizon: number;
  /** The time column: ordered the split, never an input. */
  readonly time?: string;
}

export interface WindowedSplits {
  readonly train: Dataset;
  readonly validation: Dataset;
  readonly test: Dataset;
  /** Per-channel standardisation fitted on the training rows, repeated over the window. */
  readonly transform: DataTransform;
  /** Input column names, target first. */
  readonly channels: readonly string[];
  /** The last-value baseline on the validation and test targets, in the target's units. */
  readonly naive: { readonly validation: NaiveForecastError; readonly test: NaiveForecastError };
}

/**
 * Turns time-ordered train / validation / test tables (in that order in time, as a time split
 * makes them) into windowed Datasets of shape [window, channels]. Channel 0 is the target; every
 * other numeric or boolean column joins as a covariate (its past values only). The splits are
 * joined end to end so validation and test windows can look back into the preceding split, but
 * each example's target comes from its own split: no validation or test value is ever a training
 * target. Missing values are carried forward from the last known one (a leading gap takes the
 * first known value); the mean and std are fitted on the training rows alone.
 */
export function windowSplits(parts: { train: Table; validation: Table; test: Table }, options: WindowSplitsOptions): WindowedSplits {
  const { train, validation, test } = parts;
  const columns = seriesColumns(train, options.time);
  const channels = columns.map((name) => fillGaps(concat([train, validation, test].map((t) => numericValues(t, name)))));
  const cuts = [0, train.n, train.n + validation.n, train.n + validation.n + test.n];

  const stats = channels.map((values) => meanStd(values.subarray(0, train.n)));
  const scaled = channels.map((values, c) => Float64Array.from(values, (v) => (v - stats[c].mean) / stats[c].std));
  const { window, horizon } = options;
  const featureShape = [window, columns.length];
  const featureNames = Array.from({ length: window * columns.length }, (_, i) => `${columns[i % columns.length]}[t-${window - Math.floor(i / columns.length) + horizon - 1}]`);
  const dataset = (k: number, table: Table): Dataset => {
    const w = makeWindows({ channels: scaled }, { window, horizon, from: cuts[k], to: cuts[k + 1] });
    if (w.n === 0) {
      throw new DeeplineError('DL_DATA_FORMAT', `the ${['train', 'validation', 'test'][k]} split (${table.n} rows) holds no window of ${window} steps plus a horizon of ${horizon}`, {
        hint: 'use a smaller series.window or series.horizon, more rows, or a larger share for that split',
      });
    }
    const rowsBefore = cuts[k];
    return {
      n: w.n,
      featureShape,
      x: w.x,
      y: w.y,
      target: { kind: 'numeric', name: train.target },
      featureNames,
      sourceRows: Int32Array.from(w.targetSteps, (t) => table.sourceRows[t - rowsBefore]),
      ...(train.dataVersion !== undefined && { dataVersion: train.dataVersion }),
      series: { window, horizon },
    };
  };
  const from = (k: number) => Math.max(cuts[k], window + horizon - 1);
  return {
    train: dataset(0, train),
    validation: dataset(1, validation),
    test: dataset(2, test),
    transform: {
      kind: 'tabular-standardize',
      version: TRANSFORM_VERSION,
      featureShape,
      mean: featureNames.map((_, i) => stats[i % columns.length].mean),
      std: featureNames.map((_, i) => stats[i % columns.length].std),
      target: stats[0],
    },
    channels: columns,
    naive: {
      validation: naiveForecastError(channels[0], { horizon, from: from(1), to: cuts[2] }),
      test: naiveForecastError(channels[0], { horizon, from: from(2), to: cuts[3] }),
    },
  };
}

/** The target, then the other numeric and boolean columns; dates, categories and text are left out. */
function seriesColumns(table: Table, time: string | undefined): string[] {
  const target = table.columns.find((c) => c.name === table.target);
  if (!target || target.type !== 'numeric') {
    throw new DeeplineError('DL_DATA_TARGET', `time-series-forecasting needs a numeric target, but column \`${table.target}\` is ${target ? target.type : 'missing'}`, {
      hint: 'set data.target to the column of numbers to forecast',
      location: { field: 'data.target' },
    });
  }
  const covariates = table.columns.filter((c) => c.name !== table.target && c.name !== time && (c.type === 'numeric' || c.type === 'boolean'));
  return [target.name, ...covariates.map((c) => c.name)];
}

function numericValues(table: Table, name: string): Float64Array {
  const column = table.columns.find((c) => c.name === name) as Extract<Column, { values: Float64Array }>;
  return column.values;
}

function concat(arrays: Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((s, a) => s + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** Carries the last known value forward over NaN; a leading gap takes the first known value (0 if none). */
function fillGaps(values: Float64Array): Float64Array {
  const firstKnown = values.find((v) => Number.isFinite(v)) ?? 0;
  let last = firstKnown;
  return values.map((v) => (Number.isFinite(v) ? (last = v) : last));
}

function meanStd(values: Float64Array): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  // A constant channel would divide by zero; std 1 leaves it centred and harmless.
  return { mean, std: Math.sqrt(variance) || 1 };
}

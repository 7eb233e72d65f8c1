import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FORMAT_VERSIONS } from '../store/formats/format-versions.ts';

/** What the target is: class indices into `classes`, or a numeric value. */
export type TargetInfo =
  | { readonly kind: 'class'; readonly name: string; readonly classes: readonly string[] }
  | { readonly kind: 'numeric'; readonly name: string };

/**
 * An in-memory data set ready for the engine: `n` examples of `featureShape` (e.g. [64] for a
 * tabular row, [28, 28, 1] for an image), stored row-major in one Float32Array, and one target
 * per example (a class index or a number).
 */
export interface Dataset {
  readonly n: number;
  readonly featureShape: readonly number[];
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly target: TargetInfo;
  /** Column names for tabular data (length = product of featureShape). */
  readonly featureNames?: readonly string[];
  /** Row index in the source file of each example (1-based data rows), for tracing back. */
  readonly sourceRows?: Int32Array;
  /** sha256 of the source files the examples were read from, kept through splits for lineage. */
  readonly dataVersion?: string;
  /** Set when the features are token ids (a text transform's output): the embedding table's size. */
  readonly tokens?: { readonly vocabSize: number };
  /** Set when each example is a window of a time series ([window, channels]), not an image. */
  readonly series?: { readonly window: number; readonly horizon: number };
}

export const DATASET_FORMAT_VERSION = FORMAT_VERSIONS.dataset;

interface DatasetMeta {
  formatVersion: number;
  n: number;
  featureShape: number[];
  target: TargetInfo;
  featureNames?: readonly string[];
  hasSourceRows: boolean;
  dataVersion?: string;
  tokens?: { vocabSize: number };
  series?: { window: number; horizon: number };
}

export function featureSize(ds: Pick<Dataset, 'featureShape'>): number {
  return ds.featureShape.reduce((a, b) => a * b, 1);
}

/** Writes a data set as `meta.json` + raw little-endian `x.f32`, `y.f32` (+ `rows.i32`) into `dir`. */
export async function saveDataset(dir: string, ds: Dataset): Promise<void> {
  await mkdir(dir, { recursive: true });
  const meta: DatasetMeta = {
    formatVersion: DATASET_FORMAT_VERSION,
    n: ds.n,
    featureShape: [...ds.featureShape],
    target: ds.target,
    featureNames: ds.featureNames,
    hasSourceRows: ds.sourceRows !== undefined,
    dataVersion: ds.dataVersion,
    tokens: ds.tokens,
    series: ds.series,
  };
  await writeFile(join(dir, 'meta.json'), JSON.stringify(meta, null, 1));
  await writeFile(join(dir, 'x.f32'), bytesOf(ds.x));
  await writeFile(join(dir, 'y.f32'), bytesOf(ds.y));
  if (ds.sourceRows) await writeFile(join(dir, 'rows.i32'), bytesOf(ds.sourceRows));
}

export async function loadDataset(dir: string): Promise<Dataset> {
  const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as DatasetMeta;
  if (meta.formatVersion !== DATASET_FORMAT_VERSION) {
    throw new Error(`dataset at ${dir} has format version ${meta.formatVersion}, expected ${DATASET_FORMAT_VERSION}`);
  }
  const x = new Float32Array(toArrayBuffer(await readFile(join(dir, 'x.f32'))));
  const y = new Float32Array(toArrayBuffer(await readFile(join(dir, 'y.f32'))));
  const sourceRows = meta.hasSourceRows ? new Int32Array(toArrayBuffer(await readFile(join(dir, 'rows.i32')))) : undefined;
  return {
    n: meta.n,
    featureShape: meta.featureShape,
    x,
    y,
    target: meta.target,
    featureNames: meta.featureNames,
    sourceRows,
    dataVersion: meta.dataVersion,
    ...(meta.tokens ? { tokens: meta.tokens } : {}),
    ...(meta.series ? { series: meta.series } : {}),
  };
}

/** The examples of `a` followed by those of `b` (same shape and target); source rows are dropped. */
export function concatDatasets(a: Dataset, b: Dataset): Dataset {
  const d = featureSize(a);
  const x = new Float32Array((a.n + b.n) * d);
  x.set(a.x);
  x.set(b.x, a.n * d);
  const y = new Float32Array(a.n + b.n);
  y.set(a.y);
  y.set(b.y, a.n);
  return { ...a, n: a.n + b.n, x, y, sourceRows: undefined };
}

/** A new data set holding the examples at `indices`, in that order. */
export function subsetDataset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const d = featureSize(ds);
  const x = new Float32Array(indices.length * d);
  const y = new Float32Array(indices.length);
  const rows = ds.sourceRows ? new Int32Array(indices.length) : undefined;
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    x.set(ds.x.subarray(j * d, (j + 1) * d), i * d);
    y[i] = ds.y[j];
    if (rows && ds.sourceRows) rows[i] = ds.sourceRows[j];
  }
  return { ...ds, n: indices.length, x, y, sourceRows: rows };
}

function bytesOf(a: Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  // Copy into a fresh, aligned buffer: Node's pooled Buffers may not be 4-byte aligned.
  const out = new ArrayBuffer(buf.byteLength);
  new Uint8Array(out).set(buf);
  return out;
}

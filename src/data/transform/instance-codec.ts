import { DeeplineError } from '../../errors/deepline-error.ts';
import { didYouMean } from '../../extensions/did-you-mean.ts';
import { inverseTarget, parseTransform, transformFeatures, type DataTransform } from '../normalizer.ts';
import { inverseTableTarget } from './inverse-table-target.ts';
import { parseTableTransform, type TableTransform } from './table-transform.ts';
import { transformRecord } from './transform-record.ts';

// Pure on purpose: `deepline serve` (Node) and the browser bundle (`deepline package --target
// browser`, bundled by esbuild for the browser) both run this file, so an instance means the same
// thing in both. Nothing here may import a Node module (the bundler fails on one).

/** One answer: the class with its probabilities, or a number in the target's units. */
export type Prediction =
  | { readonly label: string; readonly probabilities: Readonly<Record<string, number>> }
  | { readonly value: number };

/** The grid an image model takes, and the scale its training pixels had (0..scale). */
export interface ImageGrid {
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  readonly scale: number;
}

/**
 * How a platform turns the `image` field of an instance into pixels on the model's grid, in the
 * training data's scale (0..scale): sharp on a base64 string in Node, a canvas in the browser.
 */
export interface ImageDecoder {
  /** What `image` may hold here, for hints: `"<base64 PNG, JPEG or WebP>"`. */
  readonly accepts: string;
  /** A value it cannot decode is a DL_DATA_VALUE naming the field `image`. */
  decode(image: unknown, grid: ImageGrid): Promise<Float32Array>;
}

/**
 * A raw instance → the model's input features, and the model's outputs → predictions: the
 * serving contract of one run's transform (`transform.json`) and classes (`metrics.json`).
 */
export interface InstanceCodec {
  /** One example's shape, as the model takes it. */
  readonly inputShape: readonly number[];
  /** What one instance looks like, for errors and API documents. */
  readonly instanceHint: string;
  /** The table transform, for a form of its columns; absent for images and other tensors. */
  readonly table?: TableTransform;
  /** The image grid, for image models. */
  readonly image?: ImageGrid;
  /** A bad instance is a DeeplineError naming the field. */
  encode(instance: unknown): Promise<Float32Array>;
  /** `values` holds `units` outputs per instance, instances one after another. */
  decode(values: Float32Array, units: number): Prediction[];
}

/**
 * The codec of a run's `transform.json` (parsed and checked here) and its classes: tables and
 * texts take one object of column values per instance; images `{ pixels }` or `{ image }` (when
 * the platform gives an `imageDecoder`); other tensors `{ features }`.
 */
export function createInstanceCodec(transform: unknown, classes: readonly string[] | undefined, imageDecoder?: ImageDecoder): InstanceCodec {
  const kind = typeof transform === 'object' && transform !== null ? (transform as { kind?: unknown }).kind : undefined;
  return kind === 'table' ? tableCodec(parseTableTransform(transform)) : tensorCodec(parseTransform(transform), classes, imageDecoder);
}

function classify(values: Float32Array, units: number, classes: readonly string[]): Prediction[] {
  const n = values.length / units;
  return Array.from({ length: n }, (_, i) => {
    const row = values.subarray(i * units, (i + 1) * units);
    let best = 0;
    for (let c = 1; c < units; c++) if (row[c]! > row[best]!) best = c;
    return { label: classes[best] ?? String(best), probabilities: Object.fromEntries(classes.map((name, c) => [name, row[c]!])) };
  });
}

/** Tables and texts: one JSON object of column values per instance, through the table transform. */
function tableCodec(t: TableTransform): InstanceCodec {
  const columns = t.columns.map((c) => c.column);
  return {
    inputShape: t.featureShape,
    instanceHint: `a JSON object of column values, e.g. { ${columns.slice(0, 3).map((c) => JSON.stringify(c) + ': …').join(', ')} }`,
    table: t,
    encode: async (instance) => transformRecord(t, checkRecord(t, instance)),
    decode: (values, units) =>
      t.target.kind === 'class' ? classify(values, units, t.target.classes) : [...inverseTableTarget(t, values)].map((value) => ({ value })),
  };
}

/**
 * A request's record is held to the columns the model was trained on: every column the transform
 * reads must be there (null says "unknown", and is imputed as in training), nothing else may be
 * (but the target and the columns training set aside, which are ignored), and values are scalars.
 */
function checkRecord(t: TableTransform, instance: unknown): Record<string, unknown> {
  const hint = `send { ${t.columns.slice(0, 3).map((c) => `${JSON.stringify(c.column)}: …`).join(', ')}${t.columns.length > 3 ? ', …' : ''} } with all ${t.columns.length} columns`;
  if (typeof instance !== 'object' || instance === null || Array.isArray(instance)) {
    throw bad(`an instance must be a JSON object of column values, but got ${Array.isArray(instance) ? 'an array' : JSON.stringify(instance)}`, undefined, hint);
  }
  const record = instance as Record<string, unknown>;
  const used = new Set(t.columns.map((c) => c.column));
  const allowed = new Set([...used, t.target.column, ...t.ignored.map((i) => i.column)]);
  for (const key of Object.keys(record)) {
    if (!allowed.has(key)) {
      const near = didYouMean(key, [...used]);
      throw bad(`unknown field ${JSON.stringify(key)}${near ? ` — did you mean ${JSON.stringify(near)}?` : ''}`, key, `the model reads ${[...used].map((c) => JSON.stringify(c)).join(', ')}`);
    }
  }
  for (const column of used) {
    if (!Object.hasOwn(record, column)) throw bad(`field ${JSON.stringify(column)} is missing`, column, `send a value for ${column}, or null when it is unknown`);
    const value = record[column];
    if (typeof value === 'object' && value !== null) throw bad(`field ${JSON.stringify(column)} holds ${Array.isArray(value) ? 'an array' : 'an object'}, not a value`, column, 'send a number, a string, a boolean or null');
  }
  return record;
}

/**
 * Images and other tensors: `{ "pixels": [...] }` (h·w·c values, as the training data held them),
 * `{ "image": ... }` for image models (decoded by the platform, resized to the model's grid), or
 * `{ "features": [...] }`.
 */
function tensorCodec(t: DataTransform, classes: readonly string[] | undefined, imageDecoder: ImageDecoder | undefined): InstanceCodec {
  const shape = t.featureShape;
  const size = shape.reduce((a, b) => a * b, 1);
  const image: ImageGrid | undefined = t.kind === 'image-standardize' ? { height: shape[0]!, width: shape[1]!, channels: shape[2]! as 1 | 3, scale: t.scale } : undefined;
  const key = image ? 'pixels' : 'features';
  const hint = image
    ? `{ "pixels": [${size} numbers, ${image.height}x${image.width}x${image.channels} row-major, 0 to ${image.scale}] }${imageDecoder ? ` or { "image": ${imageDecoder.accepts} }` : ''}`
    : `{ "features": [${size} numbers] }`;
  return {
    inputShape: shape,
    instanceHint: hint,
    ...(image && { image }),
    async encode(instance) {
      const given = instance as Record<string, unknown> | null;
      if (typeof given !== 'object' || given === null || Array.isArray(given)) {
        throw bad(`an instance must be a JSON object, but got ${Array.isArray(given) ? 'an array' : JSON.stringify(given)}`, undefined, hint);
      }
      if (image && imageDecoder && given.image !== undefined) return transformFeatures(t, await imageDecoder.decode(given.image, image));
      const values = given[key];
      if (!Array.isArray(values)) throw bad(`field ${key} is missing or not an array`, key, hint);
      if (values.length !== size) throw bad(`field ${key} has ${values.length} values, but the model takes ${size} (${shape.join('x')})`, key, hint);
      const x = new Float32Array(size);
      for (let i = 0; i < size; i++) {
        const v = values[i];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`field ${key}[${i}] is ${JSON.stringify(v)}, not a finite number`, `${key}[${i}]`, hint);
        x[i] = v;
      }
      return transformFeatures(t, x);
    },
    decode: (values, units) => (classes ? classify(values, units, classes) : [...inverseTarget(t, values)].map((value) => ({ value }))),
  };
}

function bad(message: string, field: string | undefined, hint: string): DeeplineError {
  return new DeeplineError('DL_DATA_VALUE', message, { hint, ...(field !== undefined && { location: { field } }) });
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inverseTarget, parseTransform, transformFeatures, type DataTransform } from '../data/normalizer.ts';
import { inverseTableTarget } from '../data/transform/inverse-table-target.ts';
import { parseTableTransform, type TableTransform } from '../data/transform/table-transform.ts';
import { transformRecord } from '../data/transform/transform-record.ts';
import { exportFileName } from '../deploy/exporters/exporter.ts';
import { DeeplineError, fileAccessError } from '../errors/index.ts';
import { didYouMean } from '../extensions/did-you-mean.ts';

/** One answer: the class with its probabilities, or a number in the target's units. */
export type Prediction =
  | { readonly label: string; readonly probabilities: Readonly<Record<string, number>> }
  | { readonly value: number };

/**
 * A model as `deepline serve` runs it: the exported `model.onnx` in ONNX Runtime, behind the
 * very transform it was trained with (`transform.json`), so a raw record or image goes in and a
 * label or value comes out, with no train/serve skew.
 */
export interface ServedModel {
  readonly name: string;
  readonly task: string;
  /** One example's shape, as the model takes it. */
  readonly inputShape: readonly number[];
  readonly classes?: readonly string[];
  /** What one instance of a request looks like, for errors and the OpenAPI document. */
  readonly instanceHint: string;
  /** A raw instance → the model's input features; a bad instance is a DeeplineError naming the field. */
  encode(instance: unknown): Promise<Float32Array>;
  /** Runs a batch of encoded instances. */
  predict(batch: readonly Float32Array[]): Promise<Prediction[]>;
  close(): Promise<void>;
}

export interface LoadServedModelOptions {
  /** The name it is served under; default the task's name. */
  readonly name?: string;
  /** ONNX Runtime threads for one batch; default 1 (the server runs batches, not threads, in parallel). */
  readonly threads?: number;
}

type Encoder = Pick<ServedModel, 'encode' | 'instanceHint' | 'inputShape'> & { readonly decode: (values: Float32Array, units: number) => Prediction[] };

/** Loads a run's output folder (model.onnx, transform.json, metrics.json, run.json) for serving. */
export async function loadServedModel(dir: string, options: LoadServedModelOptions = {}): Promise<ServedModel> {
  const read = async (file: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, file));
    } catch (e) {
      throw fileAccessError(e, join(dir, file), {
        what: file === exportFileName('onnx') ? 'ONNX model' : 'served model file',
        missingCode: 'DL_DATA_MISSING',
        missingHint: file === exportFileName('onnx') ? 'serve an output folder of a run with `export: [onnx]` (the default)' : 'serve the output folder of a completed deepline run',
      });
    }
  };
  const [onnxBytes, transformText, metricsText, runText] = await Promise.all([read(exportFileName('onnx')), read('transform.json'), read('metrics.json'), read('run.json').catch(() => undefined)]);
  const transformJson = JSON.parse(transformText.toString('utf8')) as { kind?: string };
  const metrics = JSON.parse(metricsText.toString('utf8')) as { classes?: string[] };
  const run = runText ? (JSON.parse(runText.toString('utf8')) as { name?: string; task?: string }) : {};
  const encoder = transformJson.kind === 'table' ? tableEncoder(parseTableTransform(transformJson)) : datasetEncoder(parseTransform(transformJson), metrics.classes);

  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(onnxBytes, { intraOpNumThreads: options.threads ?? 1, interOpNumThreads: 1 });
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  const size = encoder.inputShape.reduce((a, b) => a * b, 1);
  return {
    name: options.name ?? run.name ?? 'model',
    task: run.task ?? 'unknown',
    inputShape: encoder.inputShape,
    ...(metrics.classes && { classes: metrics.classes }),
    instanceHint: encoder.instanceHint,
    encode: encoder.encode,
    async predict(batch) {
      const x = new Float32Array(batch.length * size);
      batch.forEach((features, k) => x.set(features, k * size));
      const out = await session.run({ [inputName!]: new ort.Tensor('float32', x, [batch.length, ...encoder.inputShape]) });
      const values = out[outputName!]!.data as Float32Array;
      return encoder.decode(values, values.length / batch.length);
    },
    close: () => session.release(),
  };
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
function tableEncoder(t: TableTransform): Encoder {
  const columns = t.columns.map((c) => c.column);
  return {
    inputShape: t.featureShape,
    instanceHint: `a JSON object of column values, e.g. { ${columns.slice(0, 3).map((c) => JSON.stringify(c) + ': …').join(', ')} }`,
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
 * `{ "image": "<base64 PNG, JPEG or WebP>" }` for image models (resized to the model's grid), or
 * `{ "features": [...] }`.
 */
function datasetEncoder(t: DataTransform, classes: readonly string[] | undefined): Encoder {
  const shape = t.featureShape;
  const size = shape.reduce((a, b) => a * b, 1);
  const image = t.kind === 'image-standardize' ? { height: shape[0]!, width: shape[1]!, channels: shape[2]! as 1 | 3, scale: t.scale } : undefined;
  const key = image ? 'pixels' : 'features';
  const hint = image
    ? `{ "pixels": [${size} numbers, ${image.height}x${image.width}x${image.channels} row-major, 0 to ${image.scale}] } or { "image": "<base64 PNG, JPEG or WebP>" }`
    : `{ "features": [${size} numbers] }`;
  return {
    inputShape: shape,
    instanceHint: hint,
    async encode(instance) {
      const given = instance as Record<string, unknown> | null;
      if (typeof given !== 'object' || given === null || Array.isArray(given)) {
        throw bad(`an instance must be a JSON object, but got ${Array.isArray(given) ? 'an array' : JSON.stringify(given)}`, undefined, hint);
      }
      if (image && typeof given.image === 'string') return transformFeatures(t, await decodeImage(given.image, image));
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

/** A base64 image → pixels on the model's grid, in the training data's scale (0..scale). */
async function decodeImage(base64: string, image: { height: number; width: number; channels: 1 | 3; scale: number }): Promise<Float32Array> {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0 || !/^[A-Za-z0-9+/=\s_-]*$/.test(base64)) throw bad('field image is not base64 data', 'image', 'send the image file base64-encoded');
  const { loadSharp } = await import('../data/readers/load-sharp.ts');
  const sharp = await loadSharp();
  let data: Buffer;
  try {
    let pipeline = sharp(bytes).resize(image.width, image.height, { fit: 'fill' }).removeAlpha();
    pipeline = image.channels === 1 ? pipeline.toColourspace('b-w') : pipeline.toColourspace('srgb');
    data = await pipeline.raw({ depth: 'uchar' }).toBuffer();
  } catch (e) {
    throw bad(`field image does not decode as an image (${(e as Error).message})`, 'image', 'send a PNG, JPEG or WebP file, base64-encoded');
  }
  if (data.length !== image.width * image.height * image.channels) throw bad(`field image decodes to ${data.length} values, not ${image.width}x${image.height}x${image.channels}`, 'image', 'send a grayscale or RGB image');
  return Float32Array.from(data, (v) => (v / 255) * image.scale);
}

function bad(message: string, field: string | undefined, hint: string): DeeplineError {
  return new DeeplineError('DL_DATA_VALUE', message, { hint, ...(field !== undefined && { location: { field } }) });
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInstanceCodec, type ImageDecoder, type ImageGrid, type Prediction } from '../data/transform/instance-codec.ts';
import type { ServingEngine } from '../deploy/target-bench/serving-config.ts';
import { DeeplineError, fileAccessError } from '../errors/index.ts';
import { sampleSpread, type SampleSpread } from '../monitor/uncertainty.ts';
import { createModelRunner } from './model-runner.ts';

export type { Prediction };

/** One instance's answer, with the model's embedding of it (the input of its last dense layer) where the model gives one. */
export interface ModelOutput {
  readonly prediction: Prediction;
  readonly embedding?: Float32Array;
}

/**
 * A model as `deepline serve` runs it: the exported `model.onnx` in ONNX Runtime (or its TF.js
 * `model/` on a TF.js engine), behind the very transform it was trained with (`transform.json`),
 * so a raw record or image goes in and a label or value comes out, with no train/serve skew.
 */
export interface ServedModel {
  readonly name: string;
  readonly task: string;
  /** One example's shape, as the model takes it. */
  readonly inputShape: readonly number[];
  readonly classes?: readonly string[];
  /** What one instance of a request looks like, for errors and the OpenAPI document. */
  readonly instanceHint: string;
  /** What an instance is: a table record, a text record, an image, or a feature vector (what the prediction log keeps of it). */
  readonly inputKind: 'table' | 'text' | 'image' | 'tensor';
  /** The model version that answers, where one is known (the model registry's); logged with each prediction. */
  readonly version?: string;
  /** What runs it, e.g. `onnxruntime-node 1.23.2, 1 thread` or `TF.js native, 1 thread`. */
  readonly runtime: string;
  /** Batching settings of its own (from its serving.json), over the server's defaults. */
  readonly batching?: { readonly maxBatch: number; readonly maxWaitMs: number };
  /** A raw instance → the model's input features; a bad instance is a DeeplineError naming the field. */
  encode(instance: unknown): Promise<Float32Array>;
  /** Runs a batch of encoded instances. */
  predict(batch: readonly Float32Array[]): Promise<Prediction[]>;
  /** Runs a batch of encoded instances, keeping each one's embedding where the model gives one. */
  run(batch: readonly Float32Array[]): Promise<ModelOutput[]>;
  /** MC-dropout: the spread of `samples` passes with dropout on, per instance. Only where the engine and the model allow it (TF.js, dropout layers). */
  sample?(batch: readonly Float32Array[], samples: number): Promise<SampleSpread[]>;
  close(): Promise<void>;
}

export interface LoadServedModelOptions {
  /** The name it is served under; default the task's name. */
  readonly name?: string;
  /** ONNX Runtime (or native engine) threads for one batch; default 1 (the server runs batches, not threads, in parallel). */
  readonly threads?: number;
  /** What runs the model: `onnx` (default) runs model.onnx in ONNX Runtime; a TF.js engine runs model/. */
  readonly engine?: ServingEngine;
  /** Batching settings of this model's own (see ServedModel.batching). */
  readonly batching?: { readonly maxBatch: number; readonly maxWaitMs: number };
}

/**
 * Loads a run's output folder (model.onnx or model/, transform.json, metrics.json, run.json) for
 * serving on `options.engine`.
 */
export async function loadServedModel(dir: string, options: LoadServedModelOptions = {}): Promise<ServedModel> {
  // The model first: a folder without one is the mistake to name, whatever else it lacks.
  const runner = await createModelRunner(dir, { engine: options.engine ?? 'onnx', threads: options.threads ?? 1 });
  const read = async (file: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, file));
    } catch (e) {
      throw fileAccessError(e, join(dir, file), { what: 'served model file', missingCode: 'DL_DATA_MISSING', missingHint: 'serve the output folder of a completed deepline run' });
    }
  };
  const [transformText, metricsText, runText] = await Promise.all([read('transform.json'), read('metrics.json'), read('run.json').catch(() => undefined)]).catch(async (e: unknown) => {
    await runner.close();
    throw e;
  });
  const metrics = JSON.parse(metricsText.toString('utf8')) as { classes?: string[] };
  const run = runText ? (JSON.parse(runText.toString('utf8')) as { name?: string; task?: string }) : {};
  // The same codec the browser bundle runs: an instance means the same thing wherever it is sent.
  const encoder = createInstanceCodec(JSON.parse(transformText.toString('utf8')), metrics.classes, base64Images);

  const size = encoder.inputShape.reduce((a, b) => a * b, 1);
  const pack = (batch: readonly Float32Array[]): Float32Array => {
    const x = new Float32Array(batch.length * size);
    batch.forEach((features, k) => x.set(features, k * size));
    return x;
  };
  const runBatch = async (batch: readonly Float32Array[]): Promise<ModelOutput[]> => {
    const { values, embedding } = await runner.run(pack(batch), [batch.length, ...encoder.inputShape]);
    const predictions = encoder.decode(values, values.length / batch.length);
    const dim = embedding ? embedding.length / batch.length : 0;
    return predictions.map((prediction, k) => ({ prediction, ...(embedding && { embedding: embedding.slice(k * dim, (k + 1) * dim) }) }));
  };
  const sample = runner.sample?.bind(runner);
  return {
    name: options.name ?? run.name ?? 'model',
    task: run.task ?? 'unknown',
    inputShape: encoder.inputShape,
    ...(metrics.classes && { classes: metrics.classes }),
    instanceHint: encoder.instanceHint,
    inputKind: encoder.table ? (encoder.table.input === 'text' ? 'text' : 'table') : encoder.image ? 'image' : 'tensor',
    runtime: runner.runtime,
    ...(options.batching && { batching: options.batching }),
    encode: encoder.encode,
    run: runBatch,
    predict: async (batch) => (await runBatch(batch)).map((output) => output.prediction),
    ...(sample && {
      async sample(batch: readonly Float32Array[], samples: number): Promise<SampleSpread[]> {
        const values = await sample(pack(batch), [batch.length, ...encoder.inputShape], samples);
        const n = batch.length;
        const units = values.length / samples / n;
        const classification = metrics.classes !== undefined;
        // Values in the target's units (a regressor's outputs are scaled in training).
        const decoded = classification ? values : Float64Array.from(encoder.decode(values, units), (p) => ('value' in p ? p.value : NaN));
        const width = classification ? units : 1;
        return batch.map((_, k) => {
          // Pass s holds the whole batch: instance k's outputs are row s·n + k.
          const rows = new Float64Array(samples * width);
          for (let s = 0; s < samples; s++) rows.set(decoded.subarray((s * n + k) * width, (s * n + k + 1) * width), s * width);
          return sampleSpread(rows, samples, width, classification);
        });
      },
    }),
    close: () => runner.close(),
  };
}

/** `{ "image": "<base64>" }`: decoded by sharp as the image readers decode training files. */
const base64Images: ImageDecoder = {
  accepts: '"<base64 PNG, JPEG or WebP>"',
  async decode(image, grid) {
    if (typeof image !== 'string') throw bad(`field image holds ${Array.isArray(image) ? 'an array' : typeof image}, not a base64 string`, 'image', 'send the image file base64-encoded');
    return decodeImage(image, grid);
  },
};

/** A base64 image → pixels on the model's grid, in the training data's scale (0..scale). */
async function decodeImage(base64: string, image: ImageGrid): Promise<Float32Array> {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0 || !/^[A-Za-z0-9+/=\s_-]*$/.test(base64)) throw bad('field image is not base64 data', 'image', 'send the image file base64-encoded');
  const { decodeToGrid } = await import('../data/readers/image-grid-codec.ts');
  let data: Buffer;
  try {
    data = await decodeToGrid(bytes, image);
  } catch (e) {
    throw bad(`field image does not decode as an image (${(e as Error).message})`, 'image', 'send a PNG, JPEG or WebP file, base64-encoded');
  }
  if (data.length !== image.width * image.height * image.channels) throw bad(`field image decodes to ${data.length} values, not ${image.width}x${image.height}x${image.channels}`, 'image', 'send a grayscale or RGB image');
  return Float32Array.from(data, (v) => (v / 255) * image.scale);
}

function bad(message: string, field: string | undefined, hint: string): DeeplineError {
  return new DeeplineError('DL_DATA_VALUE', message, { hint, ...(field !== undefined && { location: { field } }) });
}

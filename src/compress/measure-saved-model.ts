import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { featureSize, type Dataset } from '../data/dataset.ts';
import { DeeplineError } from '../errors/index.ts';
import type { SavedModel } from './quantizers/quantizer.ts';

/** What a saved model measured on disk and on the test split. */
export interface SavedModelScore {
  /** Bytes of the file, or of every file in the folder. */
  readonly bytes: number;
  /** The same, each file gzipped (level 9): what a server sends compressed, and what zeros save. */
  readonly gzipBytes: number;
  /** The task's metric on the test split, from the saved model's own outputs. */
  readonly metric: number;
}

export interface ScoreOptions {
  /** The metric from the outputs on the test split, row-major [n, units]. */
  readonly score: (outputs: Float32Array, units: number) => number;
  /** Units per example of the model's output. */
  readonly units: number;
}

const PREDICT_BATCH = 256;

/** Sizes of the saved files, and the metric of the saved model (already opened from them) on the test split. */
export async function scoreSavedModel(saved: SavedModel, path: string, test: Dataset, options: ScoreOptions): Promise<SavedModelScore> {
  const { bytes, gzipBytes } = await savedSize(path);
  const d = featureSize(test);
  const outputs = new Float32Array(test.n * options.units);
  for (let start = 0; start < test.n; start += PREDICT_BATCH) {
    const end = Math.min(test.n, start + PREDICT_BATCH);
    const out = await saved.predict(test.x.slice(start * d, end * d), end - start);
    if (out.length !== (end - start) * options.units) {
      throw new DeeplineError('DL_COMPRESS', `the saved model at ${path} gives ${out.length} output values for ${end - start} examples, expected ${(end - start) * options.units}`, {
        hint: 'this is a bug in the compression of this model: report it with the model; the float model is unaffected',
      });
    }
    outputs.set(out, start * options.units);
  }
  return { bytes, gzipBytes, metric: options.score(outputs, options.units) };
}

export interface TimingOptions {
  /** The serving batch the second latency is taken at. */
  readonly batch: number;
  /** Rounds over all the models (default 3); each model's figure is its best round. */
  readonly rounds?: number;
  /** Timed calls per model, size and round at least (default 10), and at least `minMs` of them (default 20). */
  readonly repeats?: number;
  readonly minMs?: number;
}

export interface Latency {
  /** Milliseconds of one call on 1 example, and on `batch` examples. */
  readonly batch1Ms: number;
  readonly batchMs: number;
}

/**
 * Latency of each saved model at batch 1 and at the serving batch, on examples of `examples`.
 * The models are timed in turn, round after round, and each keeps its best round's median: on a
 * machine shared with other work, load comes and goes over minutes, and timing every model in
 * every round lets each meet the quiet moments, so figures taken minutes apart stay comparable.
 */
export async function timeSavedModels(models: readonly SavedModel[], examples: Pick<Dataset, 'n' | 'featureShape' | 'x'>, options: TimingOptions): Promise<Latency[]> {
  const d = featureSize(examples);
  const rows = (count: number): Float32Array => {
    const x = new Float32Array(count * d);
    for (let i = 0; i < count; i++) x.set(examples.x.subarray((i % examples.n) * d, ((i % examples.n) + 1) * d), i * d);
    return x;
  };
  const [one, many] = [rows(1), rows(options.batch)];
  const timing = { repeats: options.repeats ?? 10, minMs: options.minMs ?? 20 };
  const best = models.map(() => ({ batch1Ms: Infinity, batchMs: Infinity }));
  for (const model of models) {
    // Warm-up: kernels, caches and ONNX Runtime's first-run work settle.
    for (let i = 0; i < 3; i++) {
      await model.predict(one, 1);
      await model.predict(many, options.batch);
    }
  }
  for (let round = 0; round < (options.rounds ?? 3); round++) {
    for (const [k, model] of models.entries()) {
      const b = best[k]!;
      b.batch1Ms = Math.min(b.batch1Ms, await medianMs(() => model.predict(one, 1), timing));
      b.batchMs = Math.min(b.batchMs, await medianMs(() => model.predict(many, options.batch), timing));
    }
  }
  return best;
}

/** Raw and gzipped bytes of a file, or of the files of a folder (each gzipped on its own). */
export async function savedSize(path: string): Promise<{ bytes: number; gzipBytes: number }> {
  const files = (await stat(path)).isDirectory() ? (await readdir(path)).sort().map((f) => join(path, f)) : [path];
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const content = await readFile(file);
    bytes += content.length;
    gzipBytes += gzipSync(content, { level: 9 }).length;
  }
  return { bytes, gzipBytes };
}

/** The median time of `call` over at least `repeats` calls and `minMs` (at most 10x `repeats` calls). */
export async function medianMs(call: () => Promise<unknown>, options: { repeats: number; minMs: number }): Promise<number> {
  const times: number[] = [];
  const started = performance.now();
  while (times.length < options.repeats || (performance.now() - started < options.minMs && times.length < 10 * options.repeats)) {
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return times.length % 2 === 1 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
}

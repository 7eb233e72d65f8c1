import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { ServingEngine } from '../deploy/target-bench/serving-config.ts';
import { exportFileName } from '../deploy/exporters/exporter.ts';
import { fileAccessError } from '../errors/index.ts';

/** Runs a packed batch of model inputs (`shape`: [count, ...one example's shape]) and returns the output values, example after example. */
export interface ModelRunner {
  /** What runs the model, e.g. `onnxruntime-node 1.23.2, 1 thread` or `TF.js native`. */
  readonly runtime: string;
  run(x: Float32Array, shape: readonly number[]): Promise<Float32Array>;
  close(): Promise<void>;
}

export interface ModelRunnerOptions {
  readonly engine: ServingEngine;
  /** ONNX Runtime's intra-op threads, or the native engine's kernel threads; ignored by wasm and cpu. */
  readonly threads: number;
}

/**
 * The model of an output folder on an engine: `model.onnx` in ONNX Runtime, or the TF.js
 * `model/` folder on a TF.js engine (started through engine/, which holds one backend per
 * process). Both take and give the same tensors, so serving is the same above this.
 */
export async function createModelRunner(dir: string, options: ModelRunnerOptions): Promise<ModelRunner> {
  return options.engine === 'onnx' ? onnxRunner(dir, options) : tfjsRunner(dir, options);
}

async function onnxRunner(dir: string, options: ModelRunnerOptions): Promise<ModelRunner> {
  const file = join(dir, exportFileName('onnx'));
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw fileAccessError(e, file, {
      what: 'ONNX model',
      missingCode: 'DL_DATA_MISSING',
      missingHint: 'serve an output folder of a run with `export: [onnx]` (the default), or run its TF.js model/ with --engine native',
    });
  }
  const [ort, pkg] = await Promise.all([import('onnxruntime-node'), import('onnxruntime-node/package.json', { with: { type: 'json' } })]);
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: options.threads, interOpNumThreads: 1 });
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  return {
    runtime: `onnxruntime-node ${(pkg.default as { version: string }).version}, ${options.threads} thread${options.threads === 1 ? '' : 's'}`,
    async run(x, shape) {
      const out = await session.run({ [inputName!]: new ort.Tensor('float32', x, shape) });
      return out[outputName!]!.data as Float32Array;
    },
    close: () => session.release(),
  };
}

async function tfjsRunner(dir: string, options: ModelRunnerOptions): Promise<ModelRunner> {
  const [{ initEngine }, { loadModel }] = await Promise.all([import('../engine/engine.ts'), import('../train/model-io.ts')]);
  const { tf, name } = await initEngine(options.engine as Exclude<ServingEngine, 'onnx'>, { threads: options.threads });
  const model = await loadModel(join(dir, 'model'));
  return {
    runtime: `TF.js ${name}${name === 'native' ? `, ${options.threads} thread${options.threads === 1 ? '' : 's'}` : ''}`,
    async run(x, shape) {
      const out = tf.tidy(() => model.predict(tf.tensor(x, [...shape])) as tfjs.Tensor);
      try {
        return (await out.data()) as Float32Array;
      } finally {
        out.dispose();
      }
    },
    close: async () => {
      model.dispose();
    },
  };
}

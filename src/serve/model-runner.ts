import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { ServingEngine } from '../deploy/target-bench/serving-config.ts';
import { exportFileName } from '../deploy/exporters/exporter.ts';
import { fileAccessError } from '../errors/index.ts';

/** A batch's outputs, example after example: the model's, and its embeddings where it gives them. */
export interface RunnerOutput {
  readonly values: Float32Array;
  /** The input of the model's last dense layer, per example: absent for a model exported without it (or without one). */
  readonly embedding?: Float32Array;
}

/** Runs a packed batch of model inputs (`shape`: [count, ...one example's shape]) and returns the output values, example after example. */
export interface ModelRunner {
  /** What runs the model, e.g. `onnxruntime-node 1.23.2, 1 thread` or `TF.js native`. */
  readonly runtime: string;
  run(x: Float32Array, shape: readonly number[]): Promise<RunnerOutput>;
  /**
   * MC-dropout: `samples` passes over the batch with its dropout layers active (and nothing else
   * in training mode), pass after pass. TF.js engines only: an ONNX graph holds no dropout.
   */
  sample?(x: Float32Array, shape: readonly number[], samples: number): Promise<Float32Array>;
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
  // Models exported since the prediction log have a second output, `embedding`; older ones serve as before.
  const embeddingName = session.outputNames.includes(EMBEDDING_OUTPUT) ? EMBEDDING_OUTPUT : undefined;
  const outputName = session.outputNames.find((name) => name !== embeddingName);
  return {
    runtime: `onnxruntime-node ${(pkg.default as { version: string }).version}, ${options.threads} thread${options.threads === 1 ? '' : 's'}`,
    async run(x, shape) {
      // Every output: onnxruntime-node 1.23 can map a list of fetches to the wrong outputs.
      const out = await session.run({ [inputName!]: new ort.Tensor('float32', x, shape) });
      const embedding = embeddingName !== undefined ? (out[embeddingName]!.data as Float32Array) : undefined;
      return { values: out[outputName!]!.data as Float32Array, ...(embedding && { embedding }) };
    },
    close: () => session.release(),
  };
}

async function tfjsRunner(dir: string, options: ModelRunnerOptions): Promise<ModelRunner> {
  const [{ initEngine }, { loadModel }, { infer }, { nativeInferencePlan }] = await Promise.all([
    import('../engine/engine.ts'),
    import('../train/model-io.ts'),
    import('../models/infer.ts'),
    import('../engine/native/inference-plan.ts'),
  ]);
  const { tf, name } = await initEngine(options.engine as Exclude<ServingEngine, 'onnx'>, { threads: options.threads });
  const model = await loadModel(join(dir, 'model'));
  const embedding = embeddingOf(model);
  // One run gives both: the model's output and, where it has one, its last dense layer's input.
  const fetches = embedding ? [model.outputs[0]!, embedding] : [model.outputs[0]!];
  // On the native engine, the layers compiled to addon calls where they can be (see InferencePlan).
  const plan = nativeInferencePlan(model, fetches);
  const dropout = mcDropoutSwitch(model);
  return {
    runtime: `TF.js ${name}${name === 'native' ? `${plan ? ' (compiled plan)' : ''}, ${options.threads} thread${options.threads === 1 ? '' : 's'}` : ''}`,
    async run(x, shape) {
      if (plan) {
        const [values, embedded] = plan.run(x, shape[0]!);
        return { values: values!, ...(embedded && { embedding: embedded }) };
      }
      const outs = tf.tidy(() => infer(model, tf.tensor(x, [...shape]), fetches));
      try {
        const [values, embedded] = (await Promise.all(outs.map((t) => t.data()))) as Float32Array[];
        return { values: values!, ...(embedded && { embedding: embedded }) };
      } finally {
        for (const t of outs) t.dispose();
      }
    },
    ...(dropout && {
      async sample(x: Float32Array, shape: readonly number[], samples: number): Promise<Float32Array> {
        const size = x.length;
        const tiled = new Float32Array(size * samples);
        for (let s = 0; s < samples; s++) tiled.set(x, s * size);
        const out = tf.tidy(() => dropout.during(() => infer(model, tf.tensor(tiled, [shape[0]! * samples, ...shape.slice(1)]))[0]!));
        try {
          return (await out.data()) as Float32Array;
        } finally {
          out.dispose();
        }
      },
    }),
    close: async () => {
      model.dispose();
    },
  };
}

/** The name of the exported ONNX model's second output (see exportOnnx). */
const EMBEDDING_OUTPUT = 'embedding';

/** The input of the model's last dense layer, unless that is the model's own input (a linear model has no embedding). */
function embeddingOf(model: tfjs.LayersModel): tfjs.SymbolicTensor | undefined {
  const dense = [...model.layers].reverse().find((layer) => layer.getClassName() === 'Dense');
  if (!dense) return undefined;
  const input = dense.input as tfjs.SymbolicTensor | tfjs.SymbolicTensor[];
  const tensor = Array.isArray(input) ? input[0]! : input;
  return model.inputs.includes(tensor) ? undefined : tensor;
}

/**
 * Turns the model's dropout layers on for the length of one synchronous call, and nothing else:
 * `model.apply(x, { training: true })` would switch batch normalisation to batch statistics too.
 * TF.js runs a predict synchronously, so no other request's predict sees the switch.
 */
function mcDropoutSwitch(model: tfjs.LayersModel): { during<T>(fn: () => T): T } | undefined {
  const layers = model.layers.filter((layer) => /Dropout/.test(layer.getClassName()) && ((layer.getConfig() as { rate?: number }).rate ?? 0) > 0);
  if (layers.length === 0) return undefined;
  let on = false;
  for (const layer of layers) {
    const call = layer.call.bind(layer);
    layer.call = (inputs, kwargs) => call(inputs, on ? { ...kwargs, training: true } : kwargs);
  }
  return {
    during<T>(fn: () => T): T {
      on = true;
      try {
        return fn();
      } finally {
        on = false;
      }
    },
  };
}

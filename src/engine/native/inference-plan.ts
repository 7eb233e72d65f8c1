import * as tf from '@tensorflow/tfjs';
import { convParams, nativeConvShape } from './kernels/conv-params.ts';
import { poolInfo, poolParams } from './kernels/pool.ts';
import { loadNativeAddon, type NativeAddon } from './native-addon.ts';
import { NATIVE_BACKEND } from './native-backend.ts';
import { activationCode, sizeOf } from './native-kernel.ts';

/**
 * A layers model compiled for inference on the native engine: its layers become a fixed list of
 * addon calls (one per batch size) on arrays allocated once, with the weights read once. A
 * call then costs the kernels and nothing else — no tensors, no engine bookkeeping, no layer
 * checks, which for a small model are most of a TF.js call (the digits CNN: 0.2 ms of 0.43 at
 * batch 64 is what a batch of 1 takes). The results equal `model.execute`'s (same kernels).
 */
export interface InferencePlan {
  /** The values of the plan's fetches for `n` examples `x` (row-major, the model's input shape), freshly allocated. */
  run(x: Float32Array, n: number): Float32Array[];
  /** How many addon calls one run makes. */
  readonly steps: number;
}

/** Why a model could not be compiled: the first layer (or feature) the plan does not cover. */
export interface Unplannable {
  readonly unsupported: string;
}

/** One layer's work for a batch size: writes its output value from its input values (and its scratch array). */
type Kernel = (inputs: readonly Float32Array[], out: Float32Array, scratch: Float32Array) => void;

/** A layer as the plan runs it: per batch size `n`, the kernel to call; or an alias of its input. */
interface Step {
  readonly inputs: readonly number[];
  readonly output: number;
  /** The output is the input itself (Flatten, Dropout at inference, a linear Activation). */
  readonly alias?: boolean;
  /** Values per example of an intermediate the kernel needs (a separable conv's depthwise output). */
  readonly scratch?: number;
  kernel(n: number): Kernel;
}

interface LayerInfo {
  readonly layer: tf.layers.Layer;
  readonly config: Record<string, unknown>;
  /** Per-example shapes of the inputs and of the output. */
  readonly inShapes: readonly number[][];
  readonly outShape: readonly number[];
  readonly addon: NativeAddon;
}

type Compile = (info: LayerInfo) => Omit<Step, 'inputs' | 'output'> | string;

/** Weights of a layer, read once, by the suffix of their name (`kernel`, `bias`, `gamma`, …). */
function weightsOf(layer: tf.layers.Layer): Map<string, Float32Array> {
  return new Map(layer.weights.map((w) => [w.originalName.split('/').pop()!, w.read().dataSync() as Float32Array]));
}

/** The shape of the layer's weight named `suffix`. */
function weightShape(layer: tf.layers.Layer, suffix: string): number[] {
  return layer.weights.find((v) => v.originalName.split('/').pop() === suffix)!.shape.slice() as number[];
}

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : [Number(v), Number(v)]);

/** Keras padding as TF.js's conv and pool helpers take it. */
const padOf = (config: Record<string, unknown>): 'same' | 'valid' => (config.padding === 'same' ? 'same' : 'valid');

/**
 * Conv2D, DepthwiseConv2D and Conv1D with their bias and activation fused, as the native Conv2D
 * kernel runs them. A Conv1D is a Conv2D over a height of 1: [L, C] is [1, L, C] in memory, and
 * its kernel [k, C, O] is [1, k, C, O].
 */
function convolution(kind: 'conv2d' | 'depthwise' | 'conv1d'): Compile {
  const depthwise = kind === 'depthwise';
  const suffix = depthwise ? 'depthwise_kernel' : 'kernel';
  return ({ layer, config, inShapes, addon }) => {
    if (config.dataFormat === 'channelsFirst') return 'channels_first data';
    if (config.padding === 'causal') return 'causal padding';
    const code = activationCode(config.activation);
    if (code === undefined) return `activation ${String(config.activation)}`;
    const w = weightsOf(layer);
    const filter = w.get(suffix);
    const bias = config.useBias === false ? null : (w.get('bias') ?? null);
    if (!filter) return 'a convolution without its kernel';
    const shape = weightShape(layer, suffix);
    const flat = kind === 'conv1d';
    const filterShape = (flat ? [1, ...shape] : shape.slice()) as [number, number, number, number];
    const [h, wd, c] = (flat ? [1, ...inShapes[0]!] : inShapes[0]!) as [number, number, number];
    const [strides, dilations] = [pair(config.strides), pair(config.dilationRate ?? 1)];
    const infoFor = (n: number): tf.backend_util.Conv2DInfo =>
      tf.backend_util.computeConv2DInfo([n, h, wd, c], filterShape, flat ? [1, strides[0]] : strides, flat ? [1, dilations[0]] : dilations, padOf(config), undefined, depthwise, 'channelsLast');
    if (!nativeConvShape(infoFor(1))) return 'a convolution shape the addon does not take';
    return {
      kernel(n) {
        const params = convParams(infoFor(n), depthwise, code);
        return ([x], out) => addon.conv2d(x!, filter, out, bias, params, 0);
      },
    };
  };
}

/** SeparableConv2D: its depthwise convolution, then the pointwise 1x1 one with the bias and activation. */
const separable: Compile = ({ layer, config, inShapes, addon }) => {
  if (config.dataFormat === 'channelsFirst') return 'channels_first data';
  const code = activationCode(config.activation);
  if (code === undefined) return `activation ${String(config.activation)}`;
  const w = weightsOf(layer);
  const [depthwise, pointwise] = [w.get('depthwise_kernel'), w.get('pointwise_kernel')];
  if (!depthwise || !pointwise) return 'a separable convolution without its kernels';
  const bias = config.useBias === false ? null : (w.get('bias') ?? null);
  const dShape = weightShape(layer, 'depthwise_kernel') as [number, number, number, number];
  const pShape = weightShape(layer, 'pointwise_kernel') as [number, number, number, number];
  const [h, wd, c] = inShapes[0]! as [number, number, number];
  const depthInfo = (n: number): tf.backend_util.Conv2DInfo =>
    tf.backend_util.computeConv2DInfo([n, h, wd, c], dShape, pair(config.strides), pair(config.dilationRate ?? 1), padOf(config), undefined, true, 'channelsLast');
  const pointInfo = (n: number): tf.backend_util.Conv2DInfo => {
    const d = depthInfo(n);
    return tf.backend_util.computeConv2DInfo([n, d.outHeight, d.outWidth, d.outChannels], pShape, 1, 1, 'valid', undefined, false, 'channelsLast');
  };
  if (!nativeConvShape(depthInfo(1)) || !nativeConvShape(pointInfo(1))) return 'a convolution shape the addon does not take';
  const one = depthInfo(1);
  return {
    scratch: one.outHeight * one.outWidth * one.outChannels,
    kernel(n) {
      const [dParams, pParams] = [convParams(depthInfo(n), true, 0), convParams(pointInfo(n), false, code)];
      return ([x], out, middle) => {
        addon.conv2d(x!, depthwise, middle, null, dParams, 0);
        addon.conv2d(middle, pointwise, out, bias, pParams, 0);
      };
    },
  };
};

function pooling(isMax: boolean, global: boolean): Compile {
  return ({ config, inShapes, addon }) => {
    if (config.dataFormat === 'channelsFirst') return 'channels_first data';
    const [h, w, c] = inShapes[0]! as [number, number, number];
    const attrs = global
      ? { filterSize: [h, w], strides: [h, w], pad: 'valid' }
      : { filterSize: pair(config.poolSize), strides: pair(config.strides ?? config.poolSize), pad: padOf(config) };
    if (!poolInfo([1, h, w, c], attrs as tf.NamedAttrMap)) return 'a pooling window the addon does not take';
    return {
      kernel(n) {
        const params = poolParams(poolInfo([n, h, w, c], attrs as tf.NamedAttrMap)!);
        return ([x], out) => addon.pool(x!, out, params, isMax ? 1 : 0);
      },
    };
  };
}

const dense: Compile = ({ layer, config, inShapes, outShape, addon }) => {
  if (inShapes[0]!.length !== 1) return 'a dense layer over more than one axis';
  const softmax = config.activation === 'softmax';
  const code = softmax ? 0 : activationCode(config.activation);
  if (code === undefined) return `activation ${String(config.activation)}`;
  const w = weightsOf(layer);
  const kernel = w.get('kernel');
  if (!kernel) return 'a dense layer without its kernel';
  const bias = config.useBias === false ? null : (w.get('bias') ?? null);
  const [k, units] = [inShapes[0]![0]!, outShape[0]!];
  return {
    ...(softmax && { scratch: units }),
    kernel(n) {
      const params = Int32Array.of(1, 1, n, k, units, 0, 0, code);
      if (!softmax) return ([x], out) => addon.matMul(x!, kernel, out, bias, params, 0);
      return ([x], out, logits) => {
        addon.matMul(x!, kernel, logits, bias, params, 0);
        addon.softmax(logits, out, units);
      };
    },
  };
};

// The addon's unary op code of ReLU (native/src/elementwise.cc, enum Unary) and binary Add.
const RELU_OP = 0;
const ADD_OP = 0;

const identity: Compile = () => ({ alias: true, kernel: () => () => undefined });

const activation: Compile = (info) => {
  const { config, outShape, addon } = info;
  switch (config.activation) {
    case 'linear':
      return identity(info);
    case 'relu':
      return { kernel: () => ([x], out) => addon.unary(RELU_OP, x!, out, 0) };
    case 'softmax':
      return { kernel: () => ([x], out) => addon.softmax(x!, out, outShape.at(-1)!) };
    default:
      return `activation ${String(config.activation)}`;
  }
};

const batchNorm: Compile = ({ layer, config, inShapes, addon }) => {
  const axis = Number(config.axis ?? -1);
  if (axis !== -1 && axis !== inShapes[0]!.length) return 'batch norm over an axis other than the last';
  const w = weightsOf(layer);
  const mean = w.get('moving_mean');
  const variance = w.get('moving_variance');
  if (!mean || !variance) return 'a batch norm without its moving statistics';
  const epsilon = Number(config.epsilon ?? 1e-3);
  const gamma = w.get('gamma');
  const scale = variance.map((v, j) => (gamma ? gamma[j]! : 1) / Math.sqrt(v + epsilon));
  const shift = w.get('beta') ?? new Float32Array(mean.length);
  return { kernel: () => ([x], out) => addon.scaleShift(x!, mean, scale, shift, out) };
};

const add: Compile = ({ inShapes, addon }) => {
  if (inShapes.length !== 2 || inShapes[0]!.join() !== inShapes[1]!.join()) return 'an Add of other than two same-shaped inputs';
  return { kernel: () => ([a, b], out) => addon.binary(ADD_OP, a!, b!, out, 0) };
};

/** The layers a plan runs, by Keras class name; layers that do nothing at inference alias their input. */
const COMPILERS: Readonly<Record<string, Compile>> = {
  Conv2D: convolution('conv2d'),
  DepthwiseConv2D: convolution('depthwise'),
  Conv1D: convolution('conv1d'),
  SeparableConv2D: separable,
  MaxPooling2D: pooling(true, false),
  AveragePooling2D: pooling(false, false),
  GlobalMaxPooling2D: pooling(true, true),
  GlobalAveragePooling2D: pooling(false, true),
  Dense: dense,
  Activation: activation,
  BatchNormalization: batchNorm,
  Add: add,
  // Row-major NHWC flattened is the same memory; dropout and noise layers are identities at inference.
  Flatten: identity,
  Reshape: identity,
  Dropout: identity,
  SpatialDropout1D: identity,
  SpatialDropout2D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
};

/**
 * Compiles `model` to fetch `fetches` (its outputs, or inner tensors such as an embedding) on
 * the native engine, or says which layer it cannot: a model with layers the plan does not cover
 * (embeddings, recurrent layers, layer norm, 1-D pooling, shared layers, several inputs) runs
 * through TF.js as before.
 */
export function compileInferencePlan(model: tf.LayersModel, fetches: readonly tf.SymbolicTensor[], addon: NativeAddon): InferencePlan | Unplannable {
  if (model.inputs.length !== 1 || model.inputs[0]!.dtype !== 'float32') return { unsupported: 'a model with other than one float input' };
  const input = model.inputs[0]!;
  const shapes: number[][] = [];
  const ids = new Map<string, number>();
  const valueOf = (t: tf.SymbolicTensor): number | Unplannable => {
    const known = ids.get(t.name);
    if (known !== undefined) return known;
    const shape = t.shape.slice(1);
    if (shape.some((d) => d === null || d <= 0)) return { unsupported: `the tensor ${t.name} of shape [${t.shape.join(', ')}]` };
    ids.set(t.name, shapes.length);
    shapes.push(shape as number[]);
    return shapes.length - 1;
  };
  const inputId = valueOf(input);
  if (typeof inputId !== 'number') return inputId;
  const steps: Step[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'InputLayer') continue;
    const nodes = (layer as unknown as { inboundNodes: { inputTensors: tf.SymbolicTensor[]; outputTensors: tf.SymbolicTensor[] }[] }).inboundNodes;
    if (nodes.length !== 1 || nodes[0]!.outputTensors.length !== 1) return { unsupported: `${layer.name} (a layer called more than once, or with several outputs)` };
    const compile = COMPILERS[className];
    if (!compile) return { unsupported: `${layer.name} (${className})` };
    const inputs: number[] = [];
    for (const t of nodes[0]!.inputTensors) {
      const id = ids.get(t.name);
      if (id === undefined) return { unsupported: `${layer.name} (an input computed outside the plan)` };
      inputs.push(id);
    }
    const output = valueOf(nodes[0]!.outputTensors[0]!);
    if (typeof output !== 'number') return output;
    const step = compile({ layer, config: layer.getConfig() as Record<string, unknown>, inShapes: inputs.map((i) => shapes[i]!), outShape: shapes[output]!, addon });
    if (typeof step === 'string') return { unsupported: `${layer.name}: ${step}` };
    if (step.alias && sizeOf(shapes[inputs[0]!]!) !== sizeOf(shapes[output]!)) return { unsupported: `${layer.name} (a reshape that changes the size)` };
    steps.push({ ...step, inputs, output });
  }
  const wanted: number[] = [];
  for (const t of fetches) {
    const id = ids.get(t.name);
    if (id === undefined) return { unsupported: `the fetched tensor ${t.name}` };
    wanted.push(id);
  }
  const exampleSize = sizeOf(shapes[inputId]!);
  // Every value the kernels write, and every step's scratch, holds one array sized for the largest
  // batch run so far; a batch of n examples works on views of their first n rows, so a server's
  // batches of every size up to its largest share that memory.
  const computed = steps.filter((step) => !step.alias);
  let capacity = 0;
  let arrays: Float32Array[] = [];
  let scratches: Float32Array[] = [];
  const byBatch = new Map<number, (x: Float32Array) => Float32Array[]>();
  const grow = (n: number): void => {
    capacity = n;
    arrays = computed.map((step) => new Float32Array(n * sizeOf(shapes[step.output]!)));
    scratches = computed.map((step) => new Float32Array(n * (step.scratch ?? 0)));
    byBatch.clear();
  };
  const build = (n: number): ((x: Float32Array) => Float32Array[]) => {
    // Each value's array for n examples (the input's is set per call), aliases sharing their source's.
    const views: (Float32Array | undefined)[] = shapes.map(() => undefined);
    const source = shapes.map((_, i) => i);
    const calls: { kernel: Kernel; inputs: readonly number[]; out: Float32Array; scratch: Float32Array }[] = [];
    let k = 0;
    for (const step of steps) {
      if (step.alias) {
        source[step.output] = source[step.inputs[0]!]!;
        continue;
      }
      const out = arrays[k]!.subarray(0, n * sizeOf(shapes[step.output]!));
      views[step.output] = out;
      calls.push({ kernel: step.kernel(n), inputs: step.inputs.map((i) => source[i]!), out, scratch: scratches[k]!.subarray(0, n * (step.scratch ?? 0)) });
      k++;
    }
    const fetched = wanted.map((i) => source[i]!);
    return (x) => {
      views[inputId] = x;
      for (const call of calls) call.kernel(call.inputs.map((i) => views[i]!), call.out, call.scratch);
      return fetched.map((i) => views[i]!.slice());
    };
  };
  return {
    steps: computed.length,
    run(x, n) {
      if (x.length !== n * exampleSize) throw new RangeError(`the plan takes ${n} examples of ${exampleSize} values, but got ${x.length} values`);
      if (n > capacity) grow(n);
      let run = byBatch.get(n);
      if (!run) byBatch.set(n, (run = build(n)));
      return run(x);
    },
  };
}

/**
 * The plan of `model` where TF.js runs on the native engine and the plan covers every layer;
 * undefined otherwise (another engine, an uncovered layer, or `DEEPLINE_NATIVE_PLAN=0`, which
 * runs every model through TF.js, for comparing the two).
 */
export function nativeInferencePlan(model: tf.LayersModel, fetches: readonly tf.SymbolicTensor[] = model.outputs): InferencePlan | undefined {
  if (tf.getBackend() !== NATIVE_BACKEND || process.env.DEEPLINE_NATIVE_PLAN === '0') return undefined;
  const addon = loadNativeAddon().addon;
  if (!addon) return undefined;
  const plan = compileInferencePlan(model, fetches, addon);
  return 'run' in plan ? plan : undefined;
}

import * as tf from '@tensorflow/tfjs';
import { layerSeed } from '../../seed/layer-seed.ts';
import { createSeededRandom } from '../../seed/seeded-random.ts';
import type { NativeAddon } from './native-addon.ts';

export type PlanOptimizer = 'adam' | 'sgd' | 'rmsprop';

export interface MlpTrainingOptions {
  readonly optimizer: PlanOptimizer;
  /** `categorical-crossentropy` on a softmax head (targets are class indices), or `mse` on one linear unit. */
  readonly loss: 'categorical-crossentropy' | 'mse';
  /** Decoupled weight decay of the kernels, scaled by each step's learning rate (fitModel's AdamW). */
  readonly weightDecay: number;
  /** Most rows in a batch: the plan's arrays are this big, smaller batches use their start. */
  readonly batchSize: number;
  /** Dropout masks are drawn from it, per step and layer. */
  readonly seed: number;
}

/**
 * A dense network's training step compiled to the native addon's matrix products and plain
 * loops over arrays allocated once: forward, backward and the optimiser update for a batch in
 * one call, where TF.js runs ~150 tensor operations whose bookkeeping, not arithmetic, is the
 * cost on a small table (about 1.3 ms a step for a 4-layer MLP; the products take microseconds).
 * The same arithmetic as TF.js's layers, losses and optimisers (test/engine/native/mlp-training-plan.test.ts
 * compares the weights after several steps); dropout masks come from deepline's seeded generator.
 */
export interface MlpTrainingPlan {
  /** The batch to fill: `x` [rows, inputs], `y` [rows] (class index or value), `w` [rows] per-example loss weights (1 without class weights). */
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly w: Float32Array;
  /** One step on the first `rows` rows of the batch arrays at `learningRate`; returns the batch's mean loss before the step. */
  step(rows: number, learningRate: number): number;
  /** Writes the weights and batch-norm statistics into the model's variables (before evaluating or copying it). */
  sync(): void;
}

type Activation = 'linear' | 'relu' | 'tanh' | 'elu' | 'selu' | 'swish' | 'softmax';
const ACTIVATIONS: ReadonlySet<string> = new Set(['linear', 'relu', 'tanh', 'elu', 'selu', 'swish', 'softmax']);

interface Weight {
  readonly variable: tf.LayerVariable;
  readonly values: Float32Array;
  readonly grad: Float32Array;
  /** Kernels decay with weightDecay; biases and batch-norm scales do not. */
  readonly kernel: boolean;
  /** Optimiser state: Adam's two moments, momentum's accumulator, RMSprop's mean square. */
  readonly state: Float32Array[];
}

type Stage =
  | { readonly kind: 'dense'; readonly inputs: number; readonly units: number; readonly kernel: Weight; readonly bias?: Weight }
  | { readonly kind: 'activation'; readonly units: number; readonly fn: Activation }
  | {
      readonly kind: 'batchnorm';
      readonly units: number;
      readonly gamma: Weight;
      readonly beta: Weight;
      readonly movingMean: tf.LayerVariable;
      readonly movingVariance: tf.LayerVariable;
      readonly moving: { readonly mean: Float32Array; readonly variance: Float32Array };
      readonly epsilon: number;
      readonly momentum: number;
      /** This batch's mean and 1/√(variance + ε), per unit. */
      readonly mean: Float32Array;
      readonly invStd: Float32Array;
      /** Per-unit sums of a step (variance; Σdy and Σdy·x̂), reused every step. */
      readonly sums: readonly [Float64Array, Float64Array];
    }
  | { readonly kind: 'dropout'; readonly units: number; readonly rate: number; readonly mask: Float32Array };

// TF.js's constants: backend epsilon (Adam, RMSprop), selu's, the loss's clipping.
const EPSILON = 1e-7;
const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU_SCALE_ALPHA = 1.7580993408473768599402175208123;
const BETA1 = 0.9;
const BETA2 = 0.999;

/**
 * The plan for `model`, or why it has none: a Sequential model of Dense, BatchNormalization
 * (last axis, centred and scaled), Activation, Dropout and Flatten layers over a flat input —
 * deepline's MLP family — whose head matches the loss.
 */
export function compileMlpTrainingPlan(model: tf.LayersModel, addon: NativeAddon, options: MlpTrainingOptions): MlpTrainingPlan | { readonly unsupported: string } {
  const stages: Stage[] = [];
  const inputShape = model.inputs[0]!.shape.slice(1);
  if (inputShape.some((d) => d === null)) return { unsupported: 'an input of unknown size' };
  let units = (inputShape as number[]).reduce((a, b) => a * b, 1);
  const inputs = units;
  const weight = (variable: tf.LayerVariable, kernel: boolean): Weight => {
    const values = Float32Array.from(variable.read().dataSync() as Float32Array);
    const state = options.optimizer === 'adam' ? [new Float32Array(values.length), new Float32Array(values.length)] : [new Float32Array(values.length)];
    return { variable, values, grad: new Float32Array(values.length), kernel, state };
  };
  const named = (layer: tf.layers.Layer, suffix: string): tf.LayerVariable | undefined => layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`) || w.name.endsWith(`/${suffix}`));
  for (const layer of model.layers) {
    const config = layer.getConfig() as Record<string, unknown>;
    // A regulariser adds to the loss and a constraint edits the weights after each step: TF.js's business.
    const extra = Object.keys(config).find((k) => /(Regularizer|Constraint)$/.test(k) && config[k] != null);
    if (extra) return { unsupported: `${layer.name}: ${extra}` };
    switch (layer.getClassName()) {
      case 'InputLayer':
      case 'Flatten':
        break;
      case 'Dense': {
        const kernel = named(layer, 'kernel');
        const bias = named(layer, 'bias');
        if (!kernel || kernel.shape.length !== 2 || kernel.shape[0] !== units) return { unsupported: `${layer.name}: a kernel that does not take ${units} inputs` };
        const out = kernel.shape[1]!;
        stages.push({ kind: 'dense', inputs: units, units: out, kernel: weight(kernel, true), ...(bias && { bias: weight(bias, false) }) });
        units = out;
        const activation = String(config.activation ?? 'linear');
        if (!ACTIVATIONS.has(activation)) return { unsupported: `${layer.name}: activation ${activation}` };
        if (activation !== 'linear') stages.push({ kind: 'activation', units, fn: activation as Activation });
        break;
      }
      case 'Activation': {
        const activation = String(config.activation);
        if (!ACTIVATIONS.has(activation)) return { unsupported: `${layer.name}: activation ${activation}` };
        stages.push({ kind: 'activation', units, fn: activation as Activation });
        break;
      }
      case 'BatchNormalization': {
        const [gamma, beta, mean, variance] = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((s) => named(layer, s));
        if (!gamma || !beta || !mean || !variance || (config.axis !== -1 && config.axis !== 1)) return { unsupported: `${layer.name}: batch norm other than centred and scaled over the last axis` };
        stages.push({
          kind: 'batchnorm',
          units,
          gamma: weight(gamma, false),
          beta: weight(beta, false),
          movingMean: mean,
          movingVariance: variance,
          moving: { mean: Float32Array.from(mean.read().dataSync() as Float32Array), variance: Float32Array.from(variance.read().dataSync() as Float32Array) },
          epsilon: Number(config.epsilon ?? 1e-3),
          momentum: Number(config.momentum ?? 0.99),
          mean: new Float32Array(units),
          invStd: new Float32Array(units),
          sums: [new Float64Array(units), new Float64Array(units)],
        });
        break;
      }
      case 'Dropout':
        if (config.noiseShape != null) return { unsupported: `${layer.name}: dropout with a noise shape` };
        if (Number(config.rate) > 0) stages.push({ kind: 'dropout', units, rate: Number(config.rate), mask: new Float32Array(options.batchSize * units) });
        break;
      default:
        return { unsupported: `${layer.name}: a ${layer.getClassName()} layer` };
    }
  }
  const last = stages.at(-1);
  const headOk = options.loss === 'categorical-crossentropy' ? last?.kind === 'activation' && last.fn === 'softmax' : last?.kind === 'dense' && last.units === 1;
  if (!headOk) return { unsupported: `a head other than ${options.loss === 'mse' ? 'one linear unit' : 'softmax'}` };
  if (stages.some((s, i) => s.kind === 'activation' && s.fn === 'softmax' && i !== stages.length - 1)) return { unsupported: 'softmax before the head' };
  const weights = stages.flatMap((s) => (s.kind === 'dense' ? [s.kernel, ...(s.bias ? [s.bias] : [])] : s.kind === 'batchnorm' ? [s.gamma, s.beta] : []));
  if (weights.length !== model.trainableWeights.length) return { unsupported: 'trainable weights the plan does not know' };
  return new Plan(addon, stages, weights, inputs, options);
}

class Plan implements MlpTrainingPlan {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly w: Float32Array;
  /** acts[s] is stage s's input, acts[s + 1] its output; grads alike. */
  readonly #acts: Float32Array[];
  readonly #grads: Float32Array[];
  readonly #matMul = new Int32Array(8);
  #steps = 0;
  #accBeta1 = BETA1;
  #accBeta2 = BETA2;

  constructor(
    private readonly addon: NativeAddon,
    private readonly stages: readonly Stage[],
    private readonly weights: readonly Weight[],
    inputs: number,
    private readonly options: MlpTrainingOptions,
  ) {
    const b = options.batchSize;
    this.x = new Float32Array(b * inputs);
    this.y = new Float32Array(b);
    this.w = new Float32Array(b).fill(1);
    this.#acts = [this.x, ...stages.map((s) => new Float32Array(b * s.units))];
    this.#grads = [new Float32Array(0), ...stages.map((s) => new Float32Array(b * s.units))];
  }

  step(rows: number, learningRate: number): number {
    const rng = createSeededRandom(layerSeed(this.options.seed, 1_000_000 + this.#steps++));
    this.stages.forEach((stage, s) => this.#forward(stage, rows, this.#acts[s]!, this.#acts[s + 1]!, rng));
    const loss = this.#lossGradient(rows);
    for (let s = this.stages.length - 1; s >= 0; s--) {
      const stage = this.stages[s]!;
      // The head's softmax was differentiated with the loss.
      if (s === this.stages.length - 1 && stage.kind === 'activation' && stage.fn === 'softmax') {
        this.#grads[s]!.set(this.#grads[s + 1]!.subarray(0, rows * stage.units));
        continue;
      }
      this.#backward(stage, rows, this.#acts[s]!, this.#acts[s + 1]!, this.#grads[s + 1]!, s > 0 ? this.#grads[s]! : undefined);
    }
    this.#update(learningRate);
    return loss;
  }

  sync(): void {
    tf.tidy(() => {
      for (const w of this.weights) w.variable.write(tf.tensor(w.values.slice(), w.variable.shape as number[]));
      for (const s of this.stages) {
        if (s.kind !== 'batchnorm') continue;
        s.movingMean.write(tf.tensor(s.moving.mean.slice(), s.movingMean.shape as number[]));
        s.movingVariance.write(tf.tensor(s.moving.variance.slice(), s.movingVariance.shape as number[]));
      }
    });
  }

  #product(a: Float32Array, b: Float32Array, out: Float32Array, bias: Float32Array | null, m: number, k: number, n: number, transA: boolean, transB: boolean): void {
    const p = this.#matMul;
    p[0] = 1;
    p[1] = 1;
    p[2] = m;
    p[3] = k;
    p[4] = n;
    p[5] = transA ? 1 : 0;
    p[6] = transB ? 1 : 0;
    p[7] = 0;
    this.addon.matMul(a, b, out, bias, p, 0);
  }

  #forward(stage: Stage, rows: number, input: Float32Array, out: Float32Array, rng: { next(): number }): void {
    const size = rows * stage.units;
    switch (stage.kind) {
      case 'dense':
        this.#product(input.subarray(0, rows * stage.inputs), stage.kernel.values, out.subarray(0, size), stage.bias?.values ?? null, rows, stage.inputs, stage.units, false, false);
        return;
      case 'activation':
        activate(stage.fn, input, out, size, stage.units);
        return;
      case 'dropout': {
        const keep = 1 - stage.rate;
        // As tf.dropout: floor(u + keep) / keep, u uniform in [0, 1).
        for (let i = 0; i < size; i++) {
          const m = rng.next() >= stage.rate ? 1 / keep : 0;
          stage.mask[i] = m;
          out[i] = input[i]! * m;
        }
        return;
      }
      case 'batchnorm': {
        const c = stage.units;
        const { mean, invStd, gamma, beta, moving, momentum, epsilon } = stage;
        mean.fill(0);
        const variance = stage.sums[0].fill(0);
        for (let r = 0; r < rows; r++) for (let j = 0; j < c; j++) mean[j] += input[r * c + j]!;
        for (let j = 0; j < c; j++) mean[j] /= rows;
        for (let r = 0; r < rows; r++) for (let j = 0; j < c; j++) variance[j] += (input[r * c + j]! - mean[j]!) ** 2;
        for (let j = 0; j < c; j++) {
          // tf.moments: the population variance; the moving averages move by (1 − momentum) of the gap.
          const v = variance[j]! / rows;
          invStd[j] = 1 / Math.sqrt(v + epsilon);
          moving.mean[j] = moving.mean[j]! - (moving.mean[j]! - mean[j]!) * (1 - momentum);
          moving.variance[j] = moving.variance[j]! - (moving.variance[j]! - v) * (1 - momentum);
        }
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < c; j++) out[r * c + j] = (input[r * c + j]! - mean[j]!) * invStd[j]! * gamma.values[j]! + beta.values[j]!;
        }
        return;
      }
    }
  }

  /** The batch's mean loss, and its gradient with respect to the last stage's output (the logits for a softmax head). */
  #lossGradient(rows: number): number {
    const s = this.stages.length;
    const out = this.#acts[s]!;
    const grad = this.#grads[s]!;
    const units = this.stages[s - 1]!.units;
    let total = 0;
    if (this.options.loss === 'mse') {
      for (let r = 0; r < rows; r++) {
        const d = out[r]! - this.y[r]!;
        total += this.w[r]! * d * d;
        grad[r] = (2 * this.w[r]! * d) / rows;
      }
      return total / rows;
    }
    for (let r = 0; r < rows; r++) {
      const label = this.y[r]!;
      const p = out[r * units + label]!;
      total += -Math.log(Math.min(1 - EPSILON, Math.max(EPSILON, p))) * this.w[r]!;
      // Clipped probabilities pass no gradient (tf.clipByValue), as in the TF.js loss.
      const scale = p < EPSILON || p > 1 - EPSILON ? 0 : this.w[r]! / rows;
      for (let j = 0; j < units; j++) grad[r * units + j] = scale * (out[r * units + j]! - (j === label ? 1 : 0));
    }
    return total / rows;
  }

  #backward(stage: Stage, rows: number, input: Float32Array, out: Float32Array, dOut: Float32Array, dIn: Float32Array | undefined): void {
    const size = rows * stage.units;
    switch (stage.kind) {
      case 'dense': {
        const dy = dOut.subarray(0, size);
        this.#product(input.subarray(0, rows * stage.inputs), dy, stage.kernel.grad, null, stage.inputs, rows, stage.units, true, false);
        if (stage.bias) {
          const g = stage.bias.grad;
          g.fill(0);
          for (let r = 0; r < rows; r++) for (let j = 0; j < stage.units; j++) g[j] += dy[r * stage.units + j]!;
        }
        if (dIn) this.#product(dy, stage.kernel.values, dIn.subarray(0, rows * stage.inputs), null, rows, stage.units, stage.inputs, false, true);
        return;
      }
      case 'activation':
        if (dIn) activationGradient(stage.fn, input, out, dOut, dIn, size);
        return;
      case 'dropout':
        if (dIn) for (let i = 0; i < size; i++) dIn[i] = dOut[i]! * stage.mask[i]!;
        return;
      case 'batchnorm': {
        const c = stage.units;
        const { mean, invStd, gamma, beta } = stage;
        const [sumDy, sumDyXhat] = [stage.sums[0].fill(0), stage.sums[1].fill(0)];
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < c; j++) {
            const dy = dOut[r * c + j]!;
            sumDy[j] += dy;
            sumDyXhat[j] += dy * (input[r * c + j]! - mean[j]!) * invStd[j]!;
          }
        }
        for (let j = 0; j < c; j++) {
          gamma.grad[j] = sumDyXhat[j]!;
          beta.grad[j] = sumDy[j]!;
        }
        if (!dIn) return;
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < c; j++) {
            const xhat = (input[r * c + j]! - mean[j]!) * invStd[j]!;
            dIn[r * c + j] = ((gamma.values[j]! * invStd[j]!) / rows) * (rows * dOut[r * c + j]! - sumDy[j]! - xhat * sumDyXhat[j]!);
          }
        }
        return;
      }
    }
  }

  #update(learningRate: number): void {
    const { optimizer, weightDecay } = this.options;
    if (optimizer === 'adam') {
      const hyper = Float32Array.of(learningRate, BETA1, BETA2, EPSILON, this.#accBeta1, this.#accBeta2);
      for (const w of this.weights) this.addon.adam(w.values, w.state[0]!, w.state[1]!, w.grad, w.values, w.state[0]!, w.state[1]!, hyper);
      this.#accBeta1 *= BETA1;
      this.#accBeta2 *= BETA2;
    } else {
      for (const w of this.weights) {
        const { values, grad } = w;
        const state = w.state[0]!;
        if (optimizer === 'sgd') {
          // tf.train.momentum(lr, 0.9): accumulation = 0.9 · accumulation + g; value −= lr · accumulation.
          for (let i = 0; i < values.length; i++) {
            state[i] = 0.9 * state[i]! + grad[i]!;
            values[i] = values[i]! - learningRate * state[i]!;
          }
        } else {
          // tf.train.rmsprop(lr): decay 0.9, no momentum; value −= lr · g / √(mean square + ε).
          for (let i = 0; i < values.length; i++) {
            state[i] = 0.9 * state[i]! + 0.1 * grad[i]! * grad[i]!;
            values[i] = values[i]! - (learningRate * grad[i]!) / Math.sqrt(state[i]! + EPSILON);
          }
        }
      }
    }
    if (weightDecay > 0) {
      const keep = 1 - learningRate * weightDecay;
      for (const w of this.weights) if (w.kernel) for (let i = 0; i < w.values.length; i++) w.values[i] = w.values[i]! * keep;
    }
  }
}

function activate(fn: Activation, x: Float32Array, y: Float32Array, size: number, units: number): void {
  switch (fn) {
    case 'linear':
      y.set(x.subarray(0, size));
      return;
    case 'relu':
      for (let i = 0; i < size; i++) y[i] = x[i]! > 0 ? x[i]! : 0;
      return;
    case 'tanh':
      for (let i = 0; i < size; i++) y[i] = Math.tanh(x[i]!);
      return;
    case 'elu':
      for (let i = 0; i < size; i++) y[i] = x[i]! > 0 ? x[i]! : Math.exp(x[i]!) - 1;
      return;
    case 'selu':
      for (let i = 0; i < size; i++) y[i] = x[i]! > 0 ? SELU_SCALE * x[i]! : SELU_SCALE_ALPHA * (Math.exp(x[i]!) - 1);
      return;
    case 'swish':
      for (let i = 0; i < size; i++) y[i] = x[i]! / (1 + Math.exp(-x[i]!));
      return;
    case 'softmax':
      for (let r = 0; r < size / units; r++) {
        let top = -Infinity;
        for (let j = 0; j < units; j++) top = Math.max(top, x[r * units + j]!);
        let sum = 0;
        for (let j = 0; j < units; j++) sum += y[r * units + j] = Math.exp(x[r * units + j]! - top);
        for (let j = 0; j < units; j++) y[r * units + j] = y[r * units + j]! / sum;
      }
      return;
  }
}

/** dx from dy, the activation's input x and output y. */
function activationGradient(fn: Activation, x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array, size: number): void {
  switch (fn) {
    case 'linear':
      dx.set(dy.subarray(0, size));
      return;
    case 'relu':
      for (let i = 0; i < size; i++) dx[i] = x[i]! > 0 ? dy[i]! : 0;
      return;
    case 'tanh':
      for (let i = 0; i < size; i++) dx[i] = dy[i]! * (1 - y[i]! * y[i]!);
      return;
    case 'elu':
      for (let i = 0; i < size; i++) dx[i] = x[i]! > 0 ? dy[i]! : dy[i]! * (y[i]! + 1);
      return;
    case 'selu':
      for (let i = 0; i < size; i++) dx[i] = x[i]! > 0 ? dy[i]! * SELU_SCALE : dy[i]! * SELU_SCALE_ALPHA * Math.exp(x[i]!);
      return;
    case 'swish':
      for (let i = 0; i < size; i++) {
        const s = 1 / (1 + Math.exp(-x[i]!));
        dx[i] = dy[i]! * (s + x[i]! * s * (1 - s));
      }
      return;
    case 'softmax':
      throw new Error('softmax is differentiated with the loss');
  }
}

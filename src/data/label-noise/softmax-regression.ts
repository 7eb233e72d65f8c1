import { createSeededRandom } from '../../seed/seeded-random.ts';
import type { FoldClassifier, FoldData } from './fold-classifier.ts';
import { fitFoldStandardizer, type FoldStandardizer } from './fold-standardizer.ts';

export interface SoftmaxRegressionOptions {
  /** Passes over the data; by default enough for about `targetSteps` mini-batch updates. */
  readonly epochs?: number;
  /** Mini-batch updates to aim for when `epochs` is not given (default 1000). */
  readonly targetSteps?: number;
  readonly batchSize?: number;
  /** Adam's initial step size, decayed to zero along a cosine. */
  readonly learningRate?: number;
  /** L2 penalty on the weights (not the biases). */
  readonly l2?: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

/**
 * Multinomial logistic regression on standardised features, trained with mini-batch Adam in plain
 * typed arrays: no engine round trips per batch, and zeros in the raw features (most pixels)
 * cost nothing. Its probabilities are calibrated well enough for confident learning. Training
 * length is set in updates, not epochs, so large data sets cost little more than small ones.
 * Starts from zero weights, so only the batch order depends on the seed.
 */
export function softmaxRegression(options: SoftmaxRegressionOptions = {}): FoldClassifier {
  const batchSize = options.batchSize ?? 64;
  const learningRate = options.learningRate ?? 0.02;
  const l2 = options.l2 ?? 1e-3;
  return {
    name: 'softmax',
    async fitPredict(train, held, ctx) {
      const standardizer = fitFoldStandardizer(train.x, train.n, train.d);
      const stepsPerEpoch = Math.max(1, Math.ceil(train.n / batchSize));
      const epochs = options.epochs ?? Math.min(100, Math.ceil((options.targetSteps ?? 1000) / stepsPerEpoch));
      const model = new Weights(train.d, train.k, standardizer);
      await fit(model, train, { epochs, batchSize, learningRate, l2 }, ctx.seed, ctx.signal);
      return model.predict(held.x, held.n);
    },
  };
}

interface Schedule {
  epochs: number;
  batchSize: number;
  learningRate: number;
  l2: number;
}

/**
 * Weights W [d, k] and biases b [k] over standardised features z_j = (x_j - mean_j) * scale_j.
 * Since z·W = x·(scale ⊙ W) - mean·(scale ⊙ W), the logits are computed from the raw x with
 * folded weights V = scale ⊙ W and bias b - mean·V, skipping every raw zero.
 */
class Weights {
  readonly w: Float64Array;
  readonly b: Float64Array;
  readonly #v: Float64Array;
  readonly #bias: Float64Array;

  constructor(
    readonly d: number,
    readonly k: number,
    readonly standardizer: FoldStandardizer,
  ) {
    this.w = new Float64Array(d * k);
    this.b = new Float64Array(k);
    this.#v = new Float64Array(d * k);
    this.#bias = new Float64Array(k);
  }

  /** Recomputes the folded weights after W or b changed. */
  fold(): void {
    const { d, k, w, b } = this;
    const { mean, scale } = this.standardizer;
    this.#bias.set(b);
    for (let j = 0; j < d; j++) {
      for (let c = 0; c < k; c++) {
        const v = w[j * k + c] * scale[j];
        this.#v[j * k + c] = v;
        this.#bias[c] -= mean[j] * v;
      }
    }
  }

  /** Writes softmax(logits) of raw example `row` (an offset into x) into p. */
  probabilities(x: Float32Array, row: number, p: Float64Array): void {
    const { d, k } = this;
    const v = this.#v;
    for (let c = 0; c < k; c++) p[c] = this.#bias[c];
    for (let j = 0; j < d; j++) {
      const xj = x[row + j];
      if (xj === 0) continue;
      const at = j * k;
      for (let c = 0; c < k; c++) p[c] += xj * v[at + c];
    }
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, p[c]);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      p[c] = Math.exp(p[c] - max);
      sum += p[c];
    }
    for (let c = 0; c < k; c++) p[c] /= sum;
  }

  predict(x: Float32Array, n: number): Float32Array {
    this.fold();
    const out = new Float32Array(n * this.k);
    const p = new Float64Array(this.k);
    for (let i = 0; i < n; i++) {
      this.probabilities(x, i * this.d, p);
      for (let c = 0; c < this.k; c++) out[i * this.k + c] = p[c];
    }
    return out;
  }
}

async function fit(model: Weights, data: FoldData, s: Schedule, seed: number, signal: AbortSignal | undefined): Promise<void> {
  const { x, y, n, d, k } = data;
  const { mean, scale } = model.standardizer;
  const size = d * k;
  // Adam state for W then b, in one array each.
  const m = new Float64Array(size + k);
  const v = new Float64Array(size + k);
  // Σ_batch x_j g_c over raw x (sparse), and Σ_batch g_c.
  const xg = new Float64Array(size);
  const g = new Float64Array(k);
  const p = new Float64Array(k);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const random = createSeededRandom(seed);
  const totalSteps = s.epochs * Math.ceil(n / s.batchSize);
  let t = 0;
  for (let epoch = 0; epoch < s.epochs; epoch++) {
    signal?.throwIfAborted();
    random.shuffle(order);
    for (let start = 0; start < n; start += s.batchSize) {
      const end = Math.min(n, start + s.batchSize);
      model.fold();
      xg.fill(0);
      g.fill(0);
      for (let b = start; b < end; b++) {
        const i = order[b];
        const row = i * d;
        model.probabilities(x, row, p);
        p[y[i]] -= 1;
        for (let c = 0; c < k; c++) g[c] += p[c];
        for (let j = 0; j < d; j++) {
          const xj = x[row + j];
          if (xj === 0) continue;
          const at = j * k;
          for (let c = 0; c < k; c++) xg[at + c] += xj * p[c];
        }
      }
      const inv = 1 / (end - start);
      t++;
      const lr = 0.5 * s.learningRate * (1 + Math.cos((Math.PI * (t - 1)) / totalSteps));
      const c1 = 1 - BETA1 ** t;
      const c2 = 1 - BETA2 ** t;
      const adam = (q: number, grad: number, target: Float64Array, at: number): void => {
        m[q] = BETA1 * m[q] + (1 - BETA1) * grad;
        v[q] = BETA2 * v[q] + (1 - BETA2) * grad * grad;
        target[at] -= (lr * (m[q] / c1)) / (Math.sqrt(v[q] / c2) + EPS);
      };
      for (let j = 0; j < d; j++) {
        for (let c = 0; c < k; c++) {
          const q = j * k + c;
          // dL/dW_jc = Σ z_j g_c = scale_j (Σ x_j g_c - mean_j Σ g_c), averaged, plus the L2 term.
          adam(q, scale[j] * (xg[q] - mean[j] * g[c]) * inv + s.l2 * model.w[q], model.w, q);
        }
      }
      for (let c = 0; c < k; c++) adam(size + c, g[c] * inv, model.b, c);
    }
    // Let timers and abort handlers run between epochs.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

import * as tf from '@tensorflow/tfjs';
import { DeeplineError } from '../../errors/index.ts';
import { attackObjective } from '../../train/adversarial/attack-objective.ts';
import type { AttackRequest } from './attack.ts';
import { AttackUnsupported } from './attack-unsupported.ts';

/** Token id 0 pads a text: it is never swapped, nor swapped in (that would lengthen the text). */
const PAD = 0;
/** Scores of a batch ([examples, positions, vocabulary]) are kept under this many floats (~32 MB). */
const MAX_SCORES = 8_000_000;

export interface TokenSwapSettings {
  /** The most swaps per text, whatever ε allows (each costs a forward and backward pass). */
  readonly maxSwaps: number;
}

/**
 * The swaps a text of `length` tokens may take at budget ε: the share ε of its tokens, at least
 * one when ε > 0 (a text of 8 tokens at ε = 0.05 still allows one swap), at most `cap`.
 */
export function swapBudget(epsilon: number, length: number, cap: number): number {
  if (!(epsilon > 0) || length === 0) return 0;
  return Math.min(length, cap, Math.max(1, Math.ceil(epsilon * length - 1e-9)));
}

/**
 * A first-order token-substitution attack (HotFlip-style, Ebrahimi et al. 2018): the gradient
 * g_p of the loss at each position's embedding e_p scores every swap of the token there for
 * vocabulary entry v as (E_v − e_p) · g_p, the loss's linear change; each round makes the best
 * swap of each text at a position not swapped yet, until the text is misclassified, its budget
 * is spent, or no swap is estimated to raise the loss. Needs a model that is a chain of layers
 * starting with its embedding (every built-in text family is).
 */
export async function tokenSwapAttack(request: AttackRequest, settings: TokenSwapSettings): Promise<Float32Array> {
  const { model, examples, threat } = request;
  if (threat.kind !== 'tokens') throw new DeeplineError('DL_INTERNAL', `a token-swap attack changes token ids, not a ${threat.kind}`);
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  if (model.getClassName() !== 'Sequential' || layers[0]?.getClassName() !== 'Embedding') {
    throw new AttackUnsupported('token-swap needs a sequential text model that starts with its embedding layer');
  }
  const [embedding, ...rest] = layers;
  const table = embedding.getWeights()[0];
  const [vocab] = table.shape as [number, number];
  const length = examples.featureShape.reduce((a, b) => a * b, 1);
  const out = examples.x.slice();
  const batchSize = Math.max(1, Math.min(request.batchSize ?? 256, Math.floor(MAX_SCORES / (length * vocab))));
  for (let start = 0; start < examples.n; start += batchSize) {
    const end = Math.min(examples.n, start + batchSize);
    attackBatch(out.subarray(start * length, end * length), examples.y.subarray(start, end), length, {
      budgets: Array.from({ length: end - start }, (_, i) => {
        const ids = out.subarray((start + i) * length, (start + i + 1) * length);
        const eps = typeof request.epsilon === 'number' ? request.epsilon : request.epsilon[start + i];
        return swapBudget(eps, ids.reduce((n, id) => n + (id === PAD ? 0 : 1), 0), settings.maxSwaps);
      }),
      table,
      vocab,
      forwardFromEmbedding: (e) => rest.reduce((t, layer) => layer.apply(t, { training: false }) as tf.Tensor, e),
    });
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return out;
}

interface BatchSetup {
  readonly budgets: readonly number[];
  readonly table: tf.Tensor;
  readonly vocab: number;
  forwardFromEmbedding(e: tf.Tensor): tf.Tensor;
}

/** Swaps tokens of `ids` (b texts of `length` ids, changed in place). */
function attackBatch(ids: Float32Array, labels: Float32Array, length: number, setup: BatchSetup): void {
  const b = labels.length;
  const swapped = new Uint8Array(b * length);
  const used = new Array<number>(b).fill(0);
  const stopped = setup.budgets.map((k) => k === 0);
  const y = tf.tensor1d(labels);
  try {
    for (let round = 0; round < Math.max(0, ...setup.budgets); round++) {
      if (stopped.every(Boolean)) break;
      const { margins, best } = bestSwaps(ids, y, swapped, length, setup);
      for (let i = 0; i < b; i++) {
        if (stopped[i]) continue;
        // Already misclassified: a further swap would only spend budget.
        if (margins[i] > 0 || best.gain[i] <= 0) {
          stopped[i] = true;
          continue;
        }
        const position = best.position[i];
        ids[i * length + position] = best.token[i];
        swapped[i * length + position] = 1;
        if (++used[i] >= setup.budgets[i]) stopped[i] = true;
      }
    }
  } finally {
    y.dispose();
  }
}

/** For each text: its current margin, and the swap with the largest first-order gain. */
function bestSwaps(ids: Float32Array, y: tf.Tensor1D, swapped: Uint8Array, length: number, setup: BatchSetup) {
  const b = y.shape[0];
  const { table, vocab } = setup;
  const idTensor = tf.tensor2d(ids, [b, length], 'int32');
  try {
    const embedded = tf.gather(table, idTensor);
    let margin: tf.Tensor | undefined;
    const grad = tf.grad((e: tf.Tensor) => {
      const objective = attackObjective(setup.forwardFromEmbedding(e), y);
      margin = tf.keep(objective.margin);
      return tf.sum(objective.loss) as tf.Scalar;
    })(embedded);
    const result = tf.tidy(() => {
      const dim = table.shape[1]!;
      const flatGrad = tf.reshape(grad, [b * length, dim]);
      // (E_v − e_p) · g_p for every position p and vocabulary entry v.
      const gain = tf.sub(tf.matMul(flatGrad, table, false, true), tf.sum(tf.mul(flatGrad, tf.reshape(embedded, [b * length, dim])), 1, true));
      const blocked = new Float32Array(b * length);
      for (let j = 0; j < blocked.length; j++) blocked[j] = ids[j] === PAD || swapped[j] ? 1 : 0;
      const penalty = tf.add(
        tf.mul(tf.tensor2d(blocked, [b * length, 1]), 1e9),
        // The token already there, and padding, are no swap.
        tf.mul(tf.add(tf.oneHot(tf.reshape(idTensor, [-1]), vocab), tf.oneHot(tf.fill([b * length], PAD, 'int32'), vocab)), 1e9),
      );
      const scores = tf.reshape(tf.sub(gain, penalty), [b, length * vocab]);
      return { at: tf.argMax(scores, 1), gain: tf.max(scores, 1) };
    });
    const [at, gain, margins] = [result.at.dataSync(), result.gain.dataSync(), margin!.dataSync()];
    tf.dispose([embedded, grad, result.at, result.gain, margin!]);
    const position = new Int32Array(b);
    const token = new Int32Array(b);
    for (let i = 0; i < b; i++) {
      position[i] = Math.floor(at[i] / vocab);
      token[i] = at[i] % vocab;
    }
    // A blocked choice (every position blocked) shows as a gain near −1e9: no swap.
    const gains = Float32Array.from(gain, (g) => (g < -1e8 ? 0 : g));
    return { margins: Float32Array.from(margins), best: { position, token, gain: gains } };
  } finally {
    idTensor.dispose();
  }
}

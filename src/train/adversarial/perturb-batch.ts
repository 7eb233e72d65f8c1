import * as tf from '@tensorflow/tfjs';
import { DeeplineError } from '../../errors/index.ts';
import { createSeededRandom } from '../../seed/seeded-random.ts';
import { attackObjective } from './attack-objective.ts';
import { freeCount, type PerturbationBox } from './perturbation-box.ts';
import type { PerturbationNorm } from './perturbation-norm.ts';


export interface PerturbOptions {
  readonly norm: PerturbationNorm;
  /** The radius as a fraction of each feature's range: one for every example, or one per example. */
  readonly epsilon: number | Float32Array;
  /** Gradient steps; 1 is FGSM. */
  readonly steps: number;
  /** Each step's length as a fraction of ε; default 1 for a single step, else 2.5 / steps (Madry et al.). */
  readonly stepSize?: number;
  /** Start from a uniformly random point of the ε-ball instead of the input itself. */
  readonly randomStart: boolean;
  /** Seeds the random start. */
  readonly seed: number;
  /**
   * Evaluation: an example stops moving once a step (or the random start) has made it
   * misclassified, so a later step cannot undo a success. Training leaves it off: the loss keeps
   * climbing, and no value is read back.
   */
  readonly stopOnSuccess?: boolean;
}

/** The model's class probabilities for a batch of inputs (inference mode). */
export type Forward = (x: tf.Tensor) => tf.Tensor;

/**
 * Projected gradient ascent on the cross-entropy (PGD; with one step and no random start, FGSM)
 * within the box's ε-ball of each input. Works in units of each feature's range, η = δ / range,
 * so one ε fits every feature: under `linf` |η_j| ≤ ε, under `l2` ‖η‖₂ ≤ ε·√(free features);
 * frozen features never move, and every result lies in the box's valid range (widened to hold
 * the input itself, so a test value outside the training range is not pulled in). L∞ steps follow
 * the gradient's sign, L2 steps its direction; after each, η is projected on the ball, then clipped
 * to the range — which keeps it in the ball, since the range holds η = 0.
 * Returns a new tensor; `x` and `y` are not disposed.
 */
export function perturbBatch(forward: Forward, x: tf.Tensor, y: tf.Tensor1D, box: PerturbationBox, options: PerturbOptions): tf.Tensor {
  const b = x.shape[0]!;
  const shape = x.shape.slice(1) as number[];
  if (shape.reduce((a, v) => a * v, 1) !== box.size) {
    throw new DeeplineError('DL_INTERNAL', `the perturbation box has ${box.size} features but the inputs have shape [${shape.join(', ')}]`);
  }
  if (!(Number.isInteger(options.steps) && options.steps >= 1)) throw new DeeplineError('DL_INTERNAL', `an attack needs at least one step, but got ${options.steps}`);
  const epsilon = typeof options.epsilon === 'number' ? new Float32Array(b).fill(options.epsilon) : options.epsilon;
  if (epsilon.length !== b || epsilon.some((e) => !(e >= 0))) throw new DeeplineError('DL_INTERNAL', `an attack needs one ε >= 0 per example (${b}), but got ${epsilon.length}`);
  const free = freeCount(box);
  if (free === 0 || epsilon.every((e) => e === 0)) return x.clone();
  const alpha = options.stepSize ?? (options.steps === 1 ? 1 : 2.5 / options.steps);
  const perExample = [b, ...shape.map(() => 1)];
  const sqrtFree = Math.sqrt(free);

  const fixed = tf.tidy(() => {
    const lower = tf.tensor(box.lower, [1, ...shape]);
    const upper = tf.tensor(box.upper, [1, ...shape]);
    const mask = tf.tensor(Float32Array.from(box.free), [1, ...shape]);
    const scale = tf.mul(tf.sub(upper, lower), mask);
    // Where a feature is frozen its scale is 0; dividing by 1 there keeps the bounds finite.
    const safe = tf.add(scale, tf.sub(1, mask));
    const lo = tf.minimum(lower, x);
    const hi = tf.maximum(upper, x);
    return {
      scale,
      mask,
      lo,
      hi,
      etaLow: tf.mul(tf.div(tf.sub(lo, x), safe), mask),
      etaHigh: tf.mul(tf.div(tf.sub(hi, x), safe), mask),
      eps: tf.tensor(epsilon, perExample),
    };
  });
  const { scale, mask, lo, hi, eps } = fixed;
  // The labels' one-hot rows, made at the first forward pass (which tells the class count).
  let oneHot: tf.Tensor2D | undefined;
  const radius = options.norm === 'l2' ? tf.mul(eps, sqrtFree) : undefined;
  // The range bounds η (zero at frozen features, so clipping to them also keeps those at 0); under
  // L∞ the ball is a box too, and one clip to the intersection projects on both.
  const [etaLow, etaHigh] =
    options.norm === 'linf' ? tf.tidy(() => [tf.maximum(fixed.etaLow, tf.neg(eps)), tf.minimum(fixed.etaHigh, eps)]) : [fixed.etaLow, fixed.etaHigh];
  if (options.norm === 'linf') tf.dispose([fixed.etaLow, fixed.etaHigh]);

  const project = (eta: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const inBall = options.norm === 'linf' ? eta : tf.mul(eta, tf.minimum(1, tf.div(radius!, tf.add(l2PerExample(eta, perExample), 1e-12))));
      return tf.minimum(tf.maximum(inBall, etaLow), etaHigh);
    });

  const start = options.randomStart ? randomStart(options, b, shape, eps, radius, mask) : tf.zeros([b, ...shape]);
  let eta = project(start);
  start.dispose();
  // Each example's step length; 0 once it has stopped.
  let stride: tf.Tensor = tf.mul(eps, alpha);
  try {
    for (let step = 0; step < options.steps; step++) {
      let margin: tf.Tensor1D | undefined;
      // The input itself is not checked: FGSM and PGD move every example at least once, as
      // defined (a random start, though, is a candidate like any step's result).
      const check = options.stopOnSuccess === true && (step > 0 || options.randomStart);
      const objective = (e: tf.Tensor): tf.Scalar => {
        const probs = forward(tf.add(x, tf.mul(scale, e)));
        oneHot ??= tf.keep(tf.oneHot(tf.cast(y, 'int32'), probs.shape.at(-1)!).asType('float32') as tf.Tensor2D);
        const out = attackObjective(probs, oneHot);
        if (check) margin = tf.keep(out.margin);
        return tf.sum(out.loss);
      };
      const grad = tf.grad(objective)(eta);
      if (margin) {
        const stillRight = tf.tidy(() => tf.reshape(tf.cast(tf.lessEqual(margin!, 0), 'float32'), perExample));
        margin.dispose();
        const next = tf.mul(stride, stillRight);
        tf.dispose([stride, stillRight]);
        stride = next;
      }
      const moved = tf.tidy(() => {
        const direction = options.norm === 'linf' ? tf.sign(grad) : tf.mul(tf.div(grad, tf.add(l2PerExample(grad, perExample), 1e-12)), sqrtFree);
        return tf.add(eta, tf.mul(stride, direction));
      });
      grad.dispose();
      const next = project(moved);
      tf.dispose([moved, eta]);
      eta = next;
    }
    return tf.tidy(() => tf.minimum(tf.maximum(tf.add(x, tf.mul(scale, eta)), lo), hi));
  } finally {
    tf.dispose([eta, stride, scale, mask, lo, hi, etaLow, etaHigh, eps]);
    oneHot?.dispose();
    radius?.dispose();
  }
}

/** ‖v‖₂ of each example, shaped to broadcast over it. */
function l2PerExample(v: tf.Tensor, perExample: number[]): tf.Tensor {
  return tf.tidy(() => tf.reshape(tf.sqrt(tf.sum(tf.square(tf.reshape(v, [perExample[0], -1])), 1)), perExample));
}

/** A uniformly random point of the ε-ball (L∞: a box; L2: a ball, radius drawn so the volume is uniform). */
function randomStart(options: PerturbOptions, b: number, shape: number[], eps: tf.Tensor, radius: tf.Tensor | undefined, mask: tf.Tensor): tf.Tensor {
  const rng = createSeededRandom(options.seed);
  const size = shape.reduce((a, v) => a * v, 1);
  const values = new Float32Array(b * size);
  if (options.norm === 'linf') {
    for (let i = 0; i < values.length; i++) values[i] = 2 * rng.next() - 1;
    return tf.tidy(() => tf.mul(tf.mul(tf.tensor(values, [b, ...shape]), eps), mask));
  }
  // Box–Muller normals give a uniformly random direction.
  for (let i = 0; i < values.length; i++) values[i] = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const free = Math.max(1, Math.round(tf.tidy(() => tf.sum(mask).arraySync() as number)));
  const lengths = new Float32Array(b).map(() => rng.next() ** (1 / free));
  return tf.tidy(() => {
    const direction = tf.mul(tf.tensor(values, [b, ...shape]), mask);
    const unit = tf.div(direction, tf.add(l2PerExample(direction, [b, ...shape.map(() => 1)]), 1e-12));
    return tf.mul(tf.mul(unit, tf.reshape(tf.tensor1d(lengths), [b, ...shape.map(() => 1)])), radius!);
  });
}

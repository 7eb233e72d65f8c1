import type * as tf from '@tensorflow/tfjs';
import { featureSize } from '../data/dataset.ts';
import { argmaxRows } from '../evaluate/argmax-rows.ts';
import type { MinimalPerturbation, RobustnessPoint } from '../evaluate/robustness-summary.ts';
import { predict } from '../models/predict.ts';
import { layerSeed } from '../seed/layer-seed.ts';
import type { AdversarialAttack, AttackExamples, ThreatModel } from './attacks/attack.ts';

export interface MeasureRobustnessOptions {
  readonly attack: AdversarialAttack;
  readonly model: tf.LayersModel;
  readonly examples: AttackExamples;
  readonly threat: ThreatModel;
  /** The budgets of the curve, any order; 0 is the clean accuracy. */
  readonly epsilons: readonly number[];
  readonly seed: number;
  /** Measured whatever the clock says (the release gate's ε). */
  readonly required?: number;
  /** The minimal-perturbation search: the largest ε tried and the bisection rounds; absent: none. */
  readonly minimal?: { readonly upper: number; readonly rounds: number };
  /** Past this time (on `now`'s clock) no further budget or round starts, `required` aside. */
  readonly deadline?: number;
  readonly now?: () => number;
}

export interface RobustnessMeasurement {
  readonly cleanAccuracy: number;
  readonly curve: RobustnessPoint[];
  readonly skippedEpsilons: number[];
  readonly minimal?: MinimalPerturbation;
}

/**
 * Accuracy under `attack` at each budget, smallest first. An example counts as robust at ε when
 * it is classified right as it is and under the attack at ε and at every smaller budget measured:
 * an adversarial example found within a smaller ball lies in every larger one too, so the curve
 * never rises (a random start cannot make a larger budget look safer), and an example that has
 * fallen is not attacked again. Then, when asked, the smallest ε that flips each example
 * classified right: bisection between the budgets the curve bracketed it with, the attack run on
 * every unresolved example at once with per-example budgets.
 */
export async function measureRobustness(options: MeasureRobustnessOptions): Promise<RobustnessMeasurement> {
  const { examples } = options;
  const now = options.now ?? Date.now;
  const late = (): boolean => options.deadline !== undefined && now() >= options.deadline;
  const predicted = await classes(options.model, examples, examples.x);
  const robust = Uint8Array.from(predicted, (c, i) => (c === examples.y[i] ? 1 : 0));
  const correct = robust.slice();
  const share = (flags: Uint8Array): number => (flags.length === 0 ? 0 : flags.reduce((a, v) => a + v, 0) / flags.length);
  const cleanAccuracy = share(correct);
  // Per example: the largest budget it held at, and the smallest that flipped it.
  const heldAt = new Float64Array(examples.n);
  const flippedAt = new Float64Array(examples.n).fill(Infinity);
  const curve: RobustnessPoint[] = [];
  const skippedEpsilons: number[] = [];
  const budgets = [...new Set(options.epsilons)].sort((a, b) => a - b);
  const attacked = budgets.filter((e) => e > 0);
  // Few examples: every budget at once, one batch of per-example budgets instead of one attack
  // per budget (on a small model the passes' fixed cost, not the examples, is the time).
  const together = examples.n * attacked.length <= BATCH ? await attackAll(options, indicesWhere(correct), attacked) : undefined;
  for (const [k, epsilon] of budgets.entries()) {
    if (epsilon > 0 && !together && late() && epsilon !== options.required) {
      skippedEpsilons.push(epsilon);
      continue;
    }
    if (epsilon > 0) {
      const standing = indicesWhere(robust);
      const flipped = together ? standing.map((i) => together.get(i)![attacked.indexOf(epsilon)]) : await attackFlips(options, standing, epsilon, layerSeed(options.seed, k));
      standing.forEach((i, j) => {
        if (flipped[j]) {
          robust[i] = 0;
          flippedAt[i] = epsilon;
        } else heldAt[i] = epsilon;
      });
    }
    curve.push({ epsilon, accuracy: share(robust) });
  }
  const minimal = options.minimal && (await minimalPerturbation(options, correct, heldAt, flippedAt, late));
  return { cleanAccuracy, curve, skippedEpsilons, ...(minimal && { minimal }) };
}

async function minimalPerturbation(
  options: MeasureRobustnessOptions,
  correct: Uint8Array,
  heldAt: Float64Array,
  flippedAt: Float64Array,
  late: () => boolean,
): Promise<MinimalPerturbation | undefined> {
  const { upper, rounds } = options.minimal!;
  const searched = indicesWhere(correct);
  if (searched.length === 0 || late()) return undefined;
  // Examples the curve never flipped are tried at the upper budget first.
  const open = searched.filter((i) => !Number.isFinite(flippedAt[i]) && heldAt[i] < upper);
  if (open.length > 0) {
    const flipped = await attackFlips(options, open, upper, layerSeed(options.seed, 1000));
    open.forEach((i, j) => {
      if (flipped[j]) flippedAt[i] = upper;
      else heldAt[i] = upper;
    });
  }
  // Bisection generalised to m points per bracket and round, m as many as fill one batch (1
  // for large samples): each round shrinks every bracket (m + 1)-fold, so fewer rounds reach the
  // precision of `rounds` halvings.
  const bracketed = searched.filter((i) => Number.isFinite(flippedAt[i]));
  const points = Math.max(1, Math.min(7, Math.floor(BATCH / Math.max(1, bracketed.length))));
  let halvings = 0;
  let done = 0;
  for (let round = 0; halvings < rounds && bracketed.length > 0 && !late(); round++) {
    const tried = Float32Array.from(bracketed.flatMap((i) => Array.from({ length: points }, (_, p) => heldAt[i] + ((p + 1) / (points + 1)) * (flippedAt[i] - heldAt[i]))));
    const rows = bracketed.flatMap((i) => Array.from({ length: points }, () => i));
    const flipped = await attackFlips(options, rows, tried, layerSeed(options.seed, 2000 + round));
    bracketed.forEach((i, j) => {
      // The smallest budget that flipped it bounds it from above; the largest below that held, from below.
      for (let p = 0; p < points; p++) {
        if (flipped[j * points + p]) {
          flippedAt[i] = tried[j * points + p];
          break;
        }
        heldAt[i] = tried[j * points + p];
      }
    });
    halvings += Math.log2(points + 1);
    done++;
  }
  const values = searched.map((i) => flippedAt[i]).sort((a, b) => a - b);
  const middle = values.length / 2;
  const median = values.length % 2 === 1 ? values[Math.floor(middle)] : (values[middle - 1] + values[middle]) / 2;
  return { median: Number.isFinite(median) ? median : null, upper, examples: searched.length, held: values.filter((v) => !Number.isFinite(v)).length, rounds: done };
}

/** Examples per attack batch (the attacks' default batch size). */
const BATCH = 256;

/** Each example at each budget, as one request of per-example budgets: flipped or not, per budget. */
async function attackAll(options: MeasureRobustnessOptions, indices: readonly number[], budgets: readonly number[]): Promise<Map<number, boolean[]>> {
  const rows = indices.flatMap((i) => budgets.map(() => i));
  const epsilon = Float32Array.from(indices.flatMap(() => budgets));
  const flipped = await attackFlips(options, rows, epsilon, layerSeed(options.seed, 0));
  return new Map(indices.map((i, j) => [i, flipped.slice(j * budgets.length, (j + 1) * budgets.length)]));
}

/** Attacks the examples at `indices` with one budget or one each; true where the prediction flipped. */
async function attackFlips(options: MeasureRobustnessOptions, indices: readonly number[], epsilon: number | Float32Array, seed: number): Promise<boolean[]> {
  if (indices.length === 0) return [];
  const subset = pick(options.examples, indices);
  const adversarial = await options.attack.perturb({ model: options.model, examples: subset, threat: options.threat, epsilon, seed });
  const predicted = await classes(options.model, subset, adversarial);
  return indices.map((_, j) => predicted[j] !== subset.y[j]);
}

async function classes(model: tf.LayersModel, examples: AttackExamples, x: Float32Array): Promise<Int32Array> {
  const { values, units } = await predict(model, { n: examples.n, featureShape: examples.featureShape, x });
  return argmaxRows(values, units);
}

function pick(examples: AttackExamples, indices: readonly number[]): AttackExamples {
  const d = featureSize(examples);
  const x = new Float32Array(indices.length * d);
  const y = new Float32Array(indices.length);
  indices.forEach((i, j) => {
    x.set(examples.x.subarray(i * d, (i + 1) * d), j * d);
    y[j] = examples.y[i];
  });
  return { n: indices.length, featureShape: examples.featureShape, x, y };
}

function indicesWhere(flags: Uint8Array): number[] {
  const out: number[] = [];
  flags.forEach((v, i) => {
    if (v) out.push(i);
  });
  return out;
}

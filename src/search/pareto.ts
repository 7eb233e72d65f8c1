import { DeeplineError } from '../errors/index.ts';
import type { Direction } from './trial.ts';

/**
 * Multi-objective building blocks, as pure functions over points (one number per objective).
 * Everything works on indices into the caller's array, so callers map results back to trials
 * without copying them.
 */

/** True when `a` is no worse than `b` in every objective and strictly better in at least one. */
export function dominates(a: readonly number[], b: readonly number[], directions: readonly Direction[]): boolean {
  let strictlyBetter = false;
  for (let i = 0; i < directions.length; i++) {
    const [x, y] = directions[i] === 'minimize' ? [a[i], b[i]] : [b[i], a[i]];
    if (x > y) return false;
    if (x < y) strictlyBetter = true;
  }
  return strictlyBetter;
}

/**
 * Fronts of non-dominated sorting (Deb's fast sort, O(M·N²)): front 0 is the Pareto front, front
 * k is what is non-dominated once fronts 0..k-1 are removed. Each front lists indices in
 * ascending order. Equal points never dominate each other, so they share a front.
 */
export function nonDominatedSort(points: readonly (readonly number[])[], directions: readonly Direction[]): number[][] {
  checkPoints(points, directions);
  const n = points.length;
  const dominatedBy = new Int32Array(n);
  const dominating: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dominates(points[i], points[j], directions)) {
        dominating[i].push(j);
        dominatedBy[j]++;
      } else if (dominates(points[j], points[i], directions)) {
        dominating[j].push(i);
        dominatedBy[i]++;
      }
    }
  }
  const fronts: number[][] = [];
  let current: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) current.push(i);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) {
      for (const j of dominating[i]) if (--dominatedBy[j] === 0) next.push(j);
    }
    current = next.sort((a, b) => a - b);
  }
  return fronts;
}

/** Indices of the non-dominated points. */
export function paretoFront(points: readonly (readonly number[])[], directions: readonly Direction[]): number[] {
  return nonDominatedSort(points, directions)[0] ?? [];
}

/**
 * NSGA-II crowding distance of each point of one front (same order as `front`): the sum over
 * objectives of the gap between its neighbours, divided by the objective's range. The extremes
 * of each objective get Infinity so they are always kept; an objective with zero range adds 0.
 * Direction does not matter: the distance is symmetric.
 */
export function crowdingDistance(front: readonly (readonly number[])[]): number[] {
  const n = front.length;
  const distance = new Array<number>(n).fill(0);
  if (n === 0) return distance;
  const m = front[0].length;
  for (let k = 0; k < m; k++) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => front[a][k] - front[b][k] || a - b);
    const lo = front[order[0]][k];
    const hi = front[order[n - 1]][k];
    distance[order[0]] = Infinity;
    distance[order[n - 1]] = Infinity;
    if (hi === lo) continue;
    for (let r = 1; r < n - 1; r++) {
      distance[order[r]] += (front[order[r + 1]][k] - front[order[r - 1]][k]) / (hi - lo);
    }
  }
  return distance;
}

/**
 * How to choose one point of a front:
 * - `lexicographic`: best in `order[0]` (objective indices); ties go to `order[1]`, and so on.
 * - `weighted`: each objective is normalised over the candidates to [0, 1] with 0 the best
 *   (a constant objective counts 0), and the smallest weighted sum wins. Normalising makes
 *   weights mean "relative importance" whatever the units (accuracy vs milliseconds).
 * Remaining ties go to the lowest index, so the choice is repeatable.
 */
export type ParetoPreference =
  | { readonly kind: 'lexicographic'; readonly order: readonly number[] }
  | { readonly kind: 'weighted'; readonly weights: readonly number[] };

/** Index (into `points`) of the point among `candidates` that `preference` picks; -1 when empty. */
export function pickByPreference(
  points: readonly (readonly number[])[],
  candidates: readonly number[],
  directions: readonly Direction[],
  preference: ParetoPreference,
): number {
  if (candidates.length === 0) return -1;
  // Signed so that smaller is always better below.
  const cost = (i: number, k: number): number => (directions[k] === 'minimize' ? points[i][k] : -points[i][k]);
  if (preference.kind === 'lexicographic') {
    for (const k of preference.order) checkObjective(k, directions);
    const compare = (i: number, j: number): number => {
      for (const k of preference.order) {
        const d = cost(i, k) - cost(j, k);
        if (d !== 0) return d;
      }
      return i - j;
    };
    let best = candidates[0];
    for (const i of candidates) if (compare(i, best) < 0) best = i;
    return best;
  }
  if (preference.weights.length !== directions.length) {
    throw new DeeplineError('DL_INTERNAL', `a weighted preference needs ${directions.length} weights, but got ${preference.weights.length}`);
  }
  const lo = directions.map((_, k) => Math.min(...candidates.map((i) => cost(i, k))));
  const hi = directions.map((_, k) => Math.max(...candidates.map((i) => cost(i, k))));
  let best = -1;
  let bestScore = Infinity;
  for (const i of [...candidates].sort((a, b) => a - b)) {
    let score = 0;
    for (let k = 0; k < directions.length; k++) {
      if (hi[k] > lo[k]) score += preference.weights[k] * ((cost(i, k) - lo[k]) / (hi[k] - lo[k]));
    }
    if (score < bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

function checkObjective(k: number, directions: readonly Direction[]): void {
  if (!Number.isInteger(k) || k < 0 || k >= directions.length) {
    throw new DeeplineError('DL_INTERNAL', `objective index ${k} is out of range: there are ${directions.length} objectives`);
  }
}

function checkPoints(points: readonly (readonly number[])[], directions: readonly Direction[]): void {
  for (let i = 0; i < points.length; i++) {
    if (points[i].length !== directions.length) {
      throw new DeeplineError('DL_INTERNAL', `point ${i} has ${points[i].length} objectives, but ${directions.length} directions were given`);
    }
  }
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { crowdingDistance, dominates, nonDominatedSort, paretoFront, pickByPreference } from '../../src/search/pareto.ts';
import type { Direction } from '../../src/search/trial.ts';

/** Peels fronts by definition: a front is the points no remaining point dominates. Deliberately naive. */
function bruteForceFronts(points: number[][], directions: Direction[]): number[][] {
  const better = (x: number, y: number, d: Direction) => (d === 'minimize' ? x < y : x > y);
  const worse = (x: number, y: number, d: Direction) => better(y, x, d);
  // Dominance written out again from the definition, independent of `dominates`.
  const dom = (a: number[], b: number[]) =>
    directions.every((d, k) => !worse(a[k], b[k], d)) && directions.some((d, k) => better(a[k], b[k], d));
  let remaining = points.map((_, i) => i);
  const fronts: number[][] = [];
  while (remaining.length > 0) {
    const front = remaining.filter((i) => !remaining.some((j) => dom(points[j], points[i])));
    fronts.push(front);
    remaining = remaining.filter((i) => !front.includes(i));
  }
  return fronts;
}

test('nonDominatedSort matches a brute-force peel on 240 random point sets with ties (2 and 3 objectives)', () => {
  const rng = createSeededRandom(7);
  let checkedFronts = 0;
  for (let s = 0; s < 240; s++) {
    const m = s % 2 === 0 ? 2 : 3;
    const n = 1 + rng.int(40);
    // A coarse grid makes equal coordinates and duplicate points common.
    const grid = 2 + rng.int(8);
    const points = Array.from({ length: n }, () => Array.from({ length: m }, () => rng.int(grid)));
    const directions = Array.from({ length: m }, () => (rng.next() < 0.5 ? 'minimize' : 'maximize') as Direction);
    const expected = bruteForceFronts(points, directions);
    assert.deepEqual(nonDominatedSort(points, directions), expected, `set ${s}: ${JSON.stringify({ points, directions })}`);
    assert.deepEqual(paretoFront(points, directions), expected[0]);
    checkedFronts += expected.length;
  }
  assert.ok(checkedFronts > 240 * 2, 'the sets should have several fronts on average');
});

test('dominates needs no-worse everywhere and better somewhere, per direction', () => {
  assert.equal(dominates([1, 5], [2, 5], ['minimize', 'minimize']), true);
  assert.equal(dominates([1, 5], [1, 5], ['minimize', 'minimize']), false);
  assert.equal(dominates([1, 5], [2, 4], ['minimize', 'minimize']), false);
  assert.equal(dominates([1, 5], [2, 4], ['minimize', 'maximize']), true);
  assert.equal(dominates([2, 4], [1, 5], ['minimize', 'maximize']), false);
});

test('crowdingDistance: extremes are infinite, interior points sum normalised neighbour gaps', () => {
  // Objective 0 range 4, objective 1 range 8.
  const front = [
    [0, 8],
    [1, 4],
    [3, 2],
    [4, 0],
  ];
  const d = crowdingDistance(front);
  assert.equal(d[0], Infinity);
  assert.equal(d[3], Infinity);
  assert.ok(Math.abs(d[1] - ((3 - 0) / 4 + (8 - 2) / 8)) < 1e-12);
  assert.ok(Math.abs(d[2] - ((4 - 1) / 4 + (4 - 0) / 8)) < 1e-12);
  // A constant objective adds nothing.
  const flat = crowdingDistance([
    [0, 1],
    [1, 1],
    [2, 1],
  ]);
  assert.equal(flat[1], 1);
});

test('pickByPreference: lexicographic priority and normalised weights', () => {
  // accuracy (maximize), latency ms (minimize)
  const points = [
    [0.9, 30],
    [0.95, 80],
    [0.95, 50],
    [0.7, 5],
  ];
  const dirs: Direction[] = ['maximize', 'minimize'];
  const all = [0, 1, 2, 3];
  assert.equal(pickByPreference(points, all, dirs, { kind: 'lexicographic', order: [0, 1] }), 2);
  assert.equal(pickByPreference(points, all, dirs, { kind: 'lexicographic', order: [1, 0] }), 3);
  // Normalised: accuracy cost 0.9→0.2, 0.95→0, 0.7→1; latency 30→1/3, 80→1, 50→0.6, 5→0.
  // Equal weights: 0.533, 1, 0.6, 1 → point 0.
  assert.equal(pickByPreference(points, all, dirs, { kind: 'weighted', weights: [1, 1] }), 0);
  assert.equal(pickByPreference(points, all, dirs, { kind: 'weighted', weights: [10, 1] }), 2);
  assert.equal(pickByPreference(points, [], dirs, { kind: 'weighted', weights: [1, 1] }), -1);
  assert.throws(() => pickByPreference(points, all, dirs, { kind: 'weighted', weights: [1] }), /2 weights/);
});

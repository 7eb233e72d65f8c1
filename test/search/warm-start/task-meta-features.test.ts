import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Dataset } from '../../../src/data/dataset.ts';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';
import { fitRidge, linearLandmarker } from '../../../src/search/warm-start/linear-landmarker.ts';
import { taskMetaFeatures } from '../../../src/search/warm-start/task-meta-features.ts';

/** n rows of d features, uniform in [-1, 1], with the target from `label`. */
function table(n: number, d: number, seed: number, label: (row: Float32Array) => number, classes?: number): Dataset {
  const rng = createSeededRandom(seed);
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) x[i * d + j] = 2 * rng.next() - 1;
    y[i] = label(x.subarray(i * d, (i + 1) * d));
  }
  const target = classes ? { kind: 'class' as const, name: 'y', classes: Array.from({ length: classes }, (_, c) => String(c)) } : { kind: 'numeric' as const, name: 'y' };
  return { n, featureShape: [d], x, y, target };
}

it('linear landmarker: near 1 where a linear model suffices, near 0 on XOR and on noise', async () => {
  const linear = table(400, 5, 1, (r) => (r[0] + r[1] > 0 ? 1 : 0), 2);
  const xor = table(400, 5, 2, (r) => (r[0] * r[1] > 0 ? 1 : 0), 2);
  const noise = table(400, 5, 3, () => 0, 2);
  const rng = createSeededRandom(9);
  const labels = noise.y.map(() => rng.int(2));
  const score = (ds: Dataset, y = ds.y) => linearLandmarker({ x: ds.x, y, n: ds.n, d: 5, classes: 2 }, 7);
  assert.ok((await score(linear)) > 0.85, `linear ${await score(linear)}`);
  assert.ok((await score(xor)) < 0.2, `xor ${await score(xor)}`);
  assert.ok((await score(noise, labels)) < 0.15, `noise ${await score(noise, labels)}`);
});

it('linear landmarker: R² near 1 on a linear target, near 0 on a quadratic one (regression)', async () => {
  const linear = table(300, 4, 4, (r) => 3 * r[0] - 2 * r[1] + 0.5);
  const quadratic = table(300, 4, 5, (r) => r[0] * r[0]);
  assert.ok((await linearLandmarker({ x: linear.x, y: linear.y, n: 300, d: 4, classes: 0 }, 1)) > 0.99);
  assert.ok((await linearLandmarker({ x: quadratic.x, y: quadratic.y, n: 300, d: 4, classes: 0 }, 1)) < 0.1);
  // The ridge solution itself: y = 3a − 2b + 0.5 recovered on a training row.
  const predict = fitRidge(linear.x, linear.y, 300, 4, 1e-6);
  assert.ok(Math.abs(predict(linear.x, 0) - linear.y[0]) < 1e-3);
});

it('taskMetaFeatures: sizes, class balance from the validation set, binary share, sparsity and landmarker', async () => {
  // 9:1 imbalance, half the features 0/1 flags, target linear in feature 0.
  const train = table(500, 4, 6, (r) => (r[0] > 0.8 ? 1 : 0), 2);
  for (let i = 0; i < train.n; i++) {
    train.x[i * 4 + 2] = train.x[i * 4 + 2] > 0 ? 1 : 0;
    train.x[i * 4 + 3] = train.x[i * 4 + 3] > 0 ? 1 : 0;
  }
  const validation = { n: 100, y: Float32Array.from({ length: 100 }, (_, i) => (i < 90 ? 0 : 1)) };
  const m = await taskMetaFeatures(train, validation, 3);
  assert.equal(m.modality, 'tabular');
  assert.equal(m.targetKind, 'class');
  assert.deepEqual([m.rows, m.features, m.classes], [600, 4, 2]);
  assert.equal(m.minorityRatio, 0.2);
  // H(0.9, 0.1) / log 2.
  assert.ok(Math.abs(m.classEntropy - 0.469) < 0.001, `${m.classEntropy}`);
  assert.equal(m.binaryShare, 0.5);
  assert.ok(m.sparsity > 0.2 && m.sparsity < 0.3, `${m.sparsity}`);
  assert.ok(m.landmarker > 0.3, `${m.landmarker}`);
  // Repeatable: the same data and seed give the same features.
  assert.deepEqual(await taskMetaFeatures(train, validation, 3), m);
});

it('taskMetaFeatures: token ids are hashed into counts for the landmarker, and carry no moments', async () => {
  const n = 300;
  const rng = createSeededRandom(1);
  const x = new Float32Array(n * 10);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    // Class 1 texts use tokens 50-59, class 0 tokens 1-10; zero pads.
    for (let j = 0; j < 6; j++) x[i * 10 + j] = (y[i] ? 50 : 1) + rng.int(10);
  }
  const ds: Dataset = { n, featureShape: [10], x, y, target: { kind: 'class', name: 'y', classes: ['a', 'b'] }, tokens: { vocabSize: 100 } };
  const m = await taskMetaFeatures(ds, { n: 0, y: new Float32Array(0) }, 1);
  assert.equal(m.modality, 'text');
  assert.equal(m.skewness, 0);
  assert.ok(m.landmarker > 0.9, `${m.landmarker}`);
});

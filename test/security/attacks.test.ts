import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../src/data/dataset.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/models/build-model.ts';
import type { MlpGenome } from '../../src/models/genome.ts';
import { taskLoss } from '../../src/models/losses.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import type { AttackEntry, AttackRequest, ThreatModel } from '../../src/security/attacks/attack.ts';
import { fgsmAttack } from '../../src/security/attacks/fgsm-attack.ts';
import { pgdAttack } from '../../src/security/attacks/pgd-attack.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';
import { fitModel } from '../../src/train/fit.ts';
import { frozenFeatures } from '../../src/train/adversarial/frozen-features.ts';
import { perturbationBox, type PerturbationBox } from '../../src/train/adversarial/perturbation-box.ts';
import { blobs } from '../train/synthetic-data.ts';

const families = await builtinFamilies();

/** A softmax regression x → softmax(xW + b) with the given weights. */
function logisticRegression(w: number[][], b: number[]): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: b.length, activation: 'softmax', inputShape: [w.length] }));
  model.setWeights([tf.tensor2d(w), tf.tensor1d(b)]);
  return model;
}

function box(size: number, lower: number, upper: number, frozen: number[] = []): PerturbationBox {
  const free = new Uint8Array(size).fill(1);
  for (const j of frozen) free[j] = 0;
  return { size, lower: new Float32Array(size).fill(lower), upper: new Float32Array(size).fill(upper), free };
}

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / s);
}

/** ∇ₓ of −log softmax(xW + b)_y: W (p − onehot(y)), by hand. */
function inputGradient(w: number[][], b: number[], x: number[], y: number): number[] {
  const p = softmax(b.map((bk, k) => bk + x.reduce((a, xj, j) => a + xj * w[j][k], 0)));
  return w.map((row) => row.reduce((a, wjk, k) => a + wjk * (p[k] - (k === y ? 1 : 0)), 0));
}

function mean(values: ArrayLike<number>): number {
  return Array.from(values).reduce((a, v) => a + v, 0) / values.length;
}

/** Per-example cross-entropy of a model on inputs `x`. */
function losses(model: tf.LayersModel, x: Float32Array, ds: Pick<Dataset, 'n' | 'featureShape' | 'y'>): Float32Array {
  return tf.tidy(() => {
    const p = model.predict(tf.tensor(x, [ds.n, ...ds.featureShape])) as tf.Tensor;
    const k = p.shape[1]!;
    const picked = tf.sum(tf.mul(p, tf.oneHot(tf.tensor1d(ds.y, 'int32'), k)), 1);
    return tf.neg(tf.log(tf.maximum(picked, 1e-12))).dataSync() as Float32Array;
  });
}

function accuracyOn(model: tf.LayersModel, x: Float32Array, ds: Pick<Dataset, 'n' | 'featureShape' | 'y'>): number {
  const predicted = tf.tidy(() => (tf.argMax(model.predict(tf.tensor(x, [ds.n, ...ds.featureShape])) as tf.Tensor, 1).dataSync() as Int32Array));
  return predicted.reduce((a, c, i) => a + (c === ds.y[i] ? 1 : 0), 0) / ds.n;
}

function request(model: tf.LayersModel, ds: Pick<Dataset, 'n' | 'featureShape' | 'x' | 'y'>, threat: ThreatModel, epsilon: number | Float32Array, seed = 7): AttackRequest {
  return { model, examples: { n: ds.n, featureShape: ds.featureShape, x: ds.x, y: ds.y }, threat, epsilon, seed };
}

function attack<O>(entry: AttackEntry<O>, options: unknown) {
  return entry.create(entry.optionsSchema.parse(options));
}

describe('gradient attacks', { timeout: 120_000 }, () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('FGSM on a softmax regression moves each feature by ε·range along the sign of the analytic input gradient', async () => {
    const random = createSeededRandom(11);
    const d = 6;
    const k = 3;
    const w = Array.from({ length: d }, () => Array.from({ length: k }, () => 4 * random.next() - 2));
    const b = Array.from({ length: k }, () => random.next() - 0.5);
    const n = 40;
    const x = Float32Array.from({ length: n * d }, () => random.next());
    const y = Float32Array.from({ length: n }, () => random.int(k));
    const model = logisticRegression(w, b);
    // A range of 20 wide enough that nothing is clipped: ε = 0.01 moves each feature by 0.2.
    const threat: ThreatModel = { kind: 'box', box: box(d, -10, 10) };
    const adversarial = await attack(fgsmAttack, {}).perturb(request(model, { n, featureShape: [d], x, y }, threat, 0.01));
    let compared = 0;
    for (let i = 0; i < n; i++) {
      const row = Array.from(x.subarray(i * d, (i + 1) * d));
      const g = inputGradient(w, b, row, y[i]);
      for (let j = 0; j < d; j++) {
        if (Math.abs(g[j]) < 1e-4) continue;
        const expected = row[j] + 0.2 * Math.sign(g[j]);
        assert.ok(Math.abs(adversarial[i * d + j] - expected) < 1e-5, `example ${i} feature ${j}: ${adversarial[i * d + j]} != ${expected}`);
        compared++;
      }
    }
    assert.ok(compared > n * d * 0.9, `${compared} features compared`);
    model.dispose();
  });

  it('FGSM on binary logistic regression is the L∞ worst case: x + ε·sign(w_other − w_true), clipped to the range', async () => {
    const w = [[1.5, -0.5], [-2, 1], [0.3, 0.9], [0.7, -1.2]];
    const model = logisticRegression(w, [0.1, -0.1]);
    const x = Float32Array.from([0.5, 0.5, 0.5, 0.5, 0.95, 0.02, 0.5, 0.99]);
    const y = Float32Array.from([0, 1]);
    const ds = { n: 2, featureShape: [4], x, y };
    const threat: ThreatModel = { kind: 'box', box: box(4, 0, 1) };
    const adversarial = await attack(fgsmAttack, {}).perturb(request(model, ds, threat, 0.1));
    for (let i = 0; i < 2; i++) {
      const other = 1 - y[i];
      for (let j = 0; j < 4; j++) {
        const expected = Math.min(1, Math.max(0, x[i * 4 + j] + 0.1 * Math.sign(w[j][other] - w[j][y[i]])));
        assert.ok(Math.abs(adversarial[i * 4 + j] - expected) < 1e-6, `example ${i} feature ${j}: ${adversarial[i * 4 + j]} != ${expected}`);
      }
    }
    // No point of the ball (within the range) has a higher loss: the loss is monotone in the margin.
    const worst = losses(model, adversarial, ds);
    const random = createSeededRandom(5);
    for (let trial = 0; trial < 200; trial++) {
      const probe = x.map((v) => Math.min(1, Math.max(0, v + 0.1 * (2 * random.next() - 1))));
      const l = losses(model, probe, ds);
      for (let i = 0; i < 2; i++) assert.ok(l[i] <= worst[i] + 1e-6, `a random point beats FGSM on example ${i}: ${l[i]} > ${worst[i]}`);
    }
    model.dispose();
  });

  it('PGD (L∞ and L2, random start) never leaves the ε-ball or the valid range, and never moves a frozen feature', async () => {
    const random = createSeededRandom(3);
    for (let trial = 0; trial < 24; trial++) {
      const d = 2 + random.int(7);
      const k = 2 + random.int(3);
      const n = 1 + random.int(12);
      const norm = trial % 2 === 0 ? 'linf' : 'l2';
      const lower = Float32Array.from({ length: d }, () => -3 * random.next());
      const upper = lower.map((v) => v + 0.1 + 4 * random.next());
      const free = Uint8Array.from({ length: d }, (_, j) => (j === 0 || random.next() < 0.75 ? 1 : 0));
      const threat: ThreatModel = { kind: 'box', box: { size: d, lower, upper, free } };
      // Inputs mostly inside the range, some outside it (a test value beyond the training range).
      const x = Float32Array.from({ length: n * d }, (_, at) => {
        const j = at % d;
        return lower[j] + (upper[j] - lower[j]) * (1.4 * random.next() - 0.2);
      });
      const y = Float32Array.from({ length: n }, () => random.int(k));
      const epsilon = Float32Array.from({ length: n }, () => 0.4 * random.next());
      const model = tf.sequential();
      model.add(tf.layers.dense({ units: 8, activation: 'relu', inputShape: [d], kernelInitializer: tf.initializers.glorotUniform({ seed: trial + 1 }) }));
      model.add(tf.layers.dense({ units: k, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: trial + 100 }) }));
      const steps = 1 + random.int(8);
      const tensors = tf.memory().numTensors;
      const adversarial = await attack(pgdAttack, { norm, steps, stepSize: 0.5 + random.next() }).perturb(request(model, { n, featureShape: [d], x, y }, threat, epsilon, trial));
      assert.equal(tf.memory().numTensors, tensors, 'every tensor the attack made is disposed');
      const freeCount = free.reduce((a, v) => a + v, 0);
      for (let i = 0; i < n; i++) {
        let squares = 0;
        for (let j = 0; j < d; j++) {
          const at = i * d + j;
          const moved = adversarial[at] - x[at];
          const range = upper[j] - lower[j];
          const label = `trial ${trial} (${norm}) example ${i} feature ${j}`;
          if (!free[j]) assert.equal(adversarial[at], x[at], `${label}: frozen`);
          assert.ok(adversarial[at] >= Math.min(lower[j], x[at]) - 1e-6 && adversarial[at] <= Math.max(upper[j], x[at]) + 1e-6, `${label}: ${adversarial[at]} outside the range`);
          if (norm === 'linf') assert.ok(Math.abs(moved) <= epsilon[i] * range * (1 + 1e-5) + 1e-6, `${label}: moved ${moved} > ε·range ${epsilon[i] * range}`);
          squares += (moved / range) ** 2;
        }
        if (norm === 'l2') assert.ok(Math.sqrt(squares) <= epsilon[i] * Math.sqrt(freeCount) * (1 + 1e-5) + 1e-6, `trial ${trial} example ${i}: L2 ${Math.sqrt(squares)} > ${epsilon[i] * Math.sqrt(freeCount)}`);
      }
      model.dispose();
    }
  });

  it('raise the loss of a trained model above its clean loss, and PGD lowers accuracy as much as FGSM', async () => {
    const train = blobs(300, 4, 3, 1, 2.5);
    const validation = blobs(90, 4, 3, 2, 2.5);
    const test = blobs(120, 4, 3, 3, 2.5);
    const genome: MlpGenome = { family: 'mlp', hidden: [16], dropout: 0, batchNorm: false, activation: 'relu' };
    const model = buildModel(genome, { inputShape: [4], head: taskLoss(train.target).head, seed: 1, families });
    await fitModel(model, { train, validation, epochs: 30, batchSize: 32, learningRate: 0.01, patience: 5, seed: 3 });
    const threat: ThreatModel = { kind: 'box', box: perturbationBox(train) };
    const clean = losses(model, test.x, test);
    const cleanAccuracy = accuracyOn(model, test.x, test);
    assert.ok(cleanAccuracy > 0.8, `clean accuracy ${cleanAccuracy}`);
    const results: Record<string, number> = {};
    for (const [name, entry, options] of [
      ['fgsm', fgsmAttack, {}],
      ['fgsm-l2', fgsmAttack, { norm: 'l2' }],
      ['pgd', pgdAttack, {}],
      ['pgd-l2', pgdAttack, { norm: 'l2' }],
    ] as const) {
      const adversarial = await attack(entry as AttackEntry, options).perturb(request(model, test, threat, 0.08));
      const attacked = losses(model, adversarial, test);
      assert.ok(mean(attacked) > mean(clean) + 0.05, `${name}: mean loss ${mean(attacked)} vs clean ${mean(clean)}`);
      results[name] = accuracyOn(model, adversarial, test);
      assert.ok(results[name] < cleanAccuracy, `${name}: accuracy ${results[name]} vs clean ${cleanAccuracy}`);
    }
    // Near-linear models leave FGSM close to optimal: PGD matches it within an example or two.
    assert.ok(results.pgd <= results.fgsm + 2 / test.n, `PGD ${results.pgd} vs FGSM ${results.fgsm}`);
    // Same request, same result: the random start is seeded.
    const again = await attack(pgdAttack, {}).perturb(request(model, test, threat, 0.08));
    assert.deepEqual(again, await attack(pgdAttack, {}).perturb(request(model, test, threat, 0.08)));
    model.dispose();
  });

  it('leave a table’s categorical, boolean and indicator features alone and move its numeric ones', async () => {
    const transform = {
      kind: 'table',
      version: 1,
      input: 'tabular',
      featureShape: [8],
      featureNames: ['age', 'age_missing', 'colour=red', 'colour=blue', 'colour=<unknown>', 'member', 'month', 'income'],
      columns: [
        { kind: 'numeric', column: 'age', features: ['age', 'age_missing'], fill: 40, mean: 40, std: 10, indicator: true },
        { kind: 'one-hot', column: 'colour', features: ['colour=red', 'colour=blue', 'colour=<unknown>'], fill: 'red', categories: ['red', 'blue'], rare: [], indicator: false },
        { kind: 'boolean', column: 'member', features: ['member'], fill: 0, indicator: false },
        { kind: 'date', column: 'joined', features: ['month'], fill: 0, parts: ['month'], mean: [6], std: [3], indicator: false },
        { kind: 'numeric', column: 'income', features: ['income'], fill: 0, mean: 0, std: 1, indicator: false },
      ],
      target: { kind: 'class', column: 'label', classes: ['no', 'yes'] },
      ignored: [],
    };
    const frozen = frozenFeatures(transform);
    assert.deepEqual(frozen, [false, true, true, true, true, true, false, false]);
    const random = createSeededRandom(9);
    const n = 64;
    const x = new Float32Array(n * 8);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const colour = random.int(3);
      const row = [2 * random.next() - 1, random.int(2), colour === 0 ? 1 : 0, colour === 1 ? 1 : 0, colour === 2 ? 1 : 0, random.int(2), 2 * random.next() - 1, 2 * random.next() - 1];
      x.set(row, i * 8);
      y[i] = row[0] + row[2] - row[5] + row[7] > 0.5 ? 1 : 0;
    }
    const train: Dataset = { n, featureShape: [8], x, y, target: { kind: 'class', name: 'label', classes: ['no', 'yes'] } };
    const threat: ThreatModel = { kind: 'box', box: perturbationBox(train, { frozen }) };
    const model = buildModel({ family: 'mlp', hidden: [8], dropout: 0, batchNorm: false, activation: 'relu' }, { inputShape: [8], head: taskLoss(train.target).head, seed: 2, families });
    for (const norm of ['linf', 'l2']) {
      const adversarial = await attack(pgdAttack, { norm }).perturb(request(model, train, threat, 0.2));
      let numericMoved = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < 8; j++) {
          const at = i * 8 + j;
          if (frozen![j]) assert.equal(adversarial[at], x[at], `${norm}: example ${i}, frozen feature ${transform.featureNames[j]} moved`);
          else if (adversarial[at] !== x[at]) numericMoved++;
        }
      }
      assert.ok(numericMoved > n, `${norm}: ${numericMoved} numeric features moved`);
    }
    model.dispose();
  });
});

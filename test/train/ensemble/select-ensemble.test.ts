import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { averageTop, combinePredictions, ensembleLoss, greedySelection } from '../../../src/train/ensemble/select-ensemble.ts';
import { planEnsemble } from '../../../src/train/ensemble/plan-ensemble.ts';
import { writeCandidates } from '../../../src/train/ensemble/ensemble-candidates.ts';
import { FsArtifactStore } from '../../../src/store/artifacts/fs-artifact-store.ts';
import type { StoredTrial } from '../../../src/store/metadata/study-store.ts';

// Three examples of two classes, true classes [0, 1, 1]. A is right on the first two, B on the last two:
// each alone gets 2 of 3, their average gets all 3; C is a poor copy of A.
const y = [0, 1, 1];
const A = [0.9, 0.1, 0.2, 0.8, 0.6, 0.4];
const B = [0.45, 0.55, 0.4, 0.6, 0.1, 0.9];
const C = [0.6, 0.4, 0.45, 0.55, 0.7, 0.3];
const target = { kind: 'class' as const, y, units: 2 };

describe('ensemble selection', () => {
  it('combines with integer weights and scores by cross-entropy', () => {
    const mixed = combinePredictions([A, B], [3, 1]);
    assert.ok(Math.abs(mixed[0]! - (3 * 0.9 + 0.45) / 4) < 1e-12);
    const loss = ensembleLoss(A, target);
    assert.ok(Math.abs(loss - -(Math.log(0.9) + Math.log(0.8) + Math.log(0.4)) / 3) < 1e-12);
  });

  it('greedy selection starts from the best trial and adds the one that complements it', () => {
    const picked = greedySelection([A, B, C], target, 6, 5);
    assert.equal(picked.weights[2], 0, 'the poor copy of A is never chosen');
    assert.ok(picked.weights[0]! > 0 && picked.weights[1]! > 0, `weights ${picked.weights}`);
    assert.equal(picked.score, 1);
    assert.ok(picked.loss < Math.min(ensembleLoss(A, target), ensembleLoss(B, target)));
  });

  it('respects the most distinct members and the top-k average takes the first k', () => {
    assert.equal(greedySelection([A, B, C], target, 6, 1).weights.filter((w) => w > 0).length, 1);
    assert.deepEqual(averageTop([A, B, C], target, 2).weights, [1, 1, 0]);
  });

  it('regression: minimises squared error; two errors of opposite sign average out', () => {
    const truth = { kind: 'numeric' as const, y: [1, 2, 3], units: 1 };
    const high = [1.5, 2.5, 3.5];
    const low = [0.4, 1.4, 2.4];
    const picked = greedySelection([high, low], truth, 10, 2);
    assert.ok(picked.loss < 0.01, `loss ${picked.loss} with weights ${picked.weights}`);
  });
});

describe('planEnsemble', () => {
  it('reads the search candidates and picks members with their retraining', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plan-ensemble-'));
    try {
      const artifacts = new FsArtifactStore(join(dir, 'store'));
      const trial = (id: number, error: number, params: Record<string, number>): StoredTrial => ({ id, number: id, state: 'complete', params, values: [error, 1, 10], startedAt: '', intermediate: [] }) as unknown as StoredTrial;
      const trials = [trial(1, 1 / 3, { a: 1 }), trial(2, 1 / 3, { a: 2 }), trial(3, 0.5, { a: 3 }), trial(4, 0.4, { a: 1 })];
      const outOfFold = new Map([
        [1, { values: A, units: 2 }],
        [2, { values: B, units: 2 }],
        [3, { values: C, units: 2 }],
        [4, { values: C, units: 2 }],
      ]);
      const ref = await writeCandidates({ workDir: join(dir, 'work'), artifacts }, { trials, outOfFold, folds: 3, genome: (t) => ({ family: 'mlp', a: t.params.a }), training: () => ({ epochs: 7, batchSize: 8, learningRate: 0.01, patience: 3 }) });
      const plan = await planEnsemble(await artifacts.localPath(ref), { n: 3, y: Float32Array.from(y), target: { kind: 'class', name: 't', classes: ['x', 'y'] } }, { size: 3, selection: 'greedy', seeds: 1 });
      assert.equal(plan.summary.enabled, true, plan.summary.reason);
      // Trial 4 repeats trial 1's configuration: one candidate per configuration.
      assert.deepEqual(plan.members!.map((m) => m.candidate.trialId).sort(), [1, 2]);
      assert.equal(plan.members![0]!.candidate.training.epochs, 7);
      assert.equal(plan.summary.outOfFold!.greedy.score, 1);
      assert.match(plan.summary.reason, /an ensemble of 2 trials \(greedy selection on 3-fold out-of-fold predictions\)/);
      const alone = await planEnsemble(await artifacts.localPath(ref), { n: 4, y: Float32Array.from([0, 1, 1, 0]), target: { kind: 'class', name: 't', classes: ['x', 'y'] } }, { size: 3, selection: 'auto', seeds: 1 });
      assert.equal(alone.summary.enabled, false);
      assert.match(alone.summary.reason, /cover 3 examples, not the 4/);
      // Three seeds per member: the same members, and the plan says so.
      const bagged = await planEnsemble(await artifacts.localPath(ref), { n: 3, y: Float32Array.from(y), target: { kind: 'class', name: 't', classes: ['x', 'y'] } }, { size: 3, selection: 'greedy', seeds: 3 });
      assert.deepEqual(bagged.members!.map((m) => m.candidate.trialId).sort(), [1, 2]);
      assert.equal(bagged.seeds, 3);
      assert.equal(bagged.summary.seeds, 3);
      assert.match(bagged.summary.reason, /each retrained with 3 seeds and averaged/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when the best trial alone predicts the folds best: one model with one seed, that trial retrained and averaged with more', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plan-ensemble-'));
    try {
      const artifacts = new FsArtifactStore(join(dir, 'store'));
      const trial = (id: number, error: number): StoredTrial => ({ id, number: id, state: 'complete', params: { a: id }, values: [error, 1, 10], startedAt: '', intermediate: [] }) as unknown as StoredTrial;
      // Trial 2 is confidently right everywhere; trial 1 is confidently wrong on the last example: adding it only hurts.
      const right = [0.95, 0.05, 0.05, 0.95, 0.05, 0.95];
      const outOfFold = new Map([
        [1, { values: A, units: 2 }],
        [2, { values: right, units: 2 }],
      ]);
      const ref = await writeCandidates({ workDir: join(dir, 'work'), artifacts }, { trials: [trial(1, 0.3), trial(2, 0)], outOfFold, folds: 3, genome: (t) => ({ family: 'mlp', a: t.params.a }), training: () => ({ epochs: 5, batchSize: 8, learningRate: 0.01, patience: 3 }) });
      const data = { n: 3, y: Float32Array.from(y), target: { kind: 'class' as const, name: 't', classes: ['x', 'y'] } };
      const one = await planEnsemble(await artifacts.localPath(ref), data, { size: 3, selection: 'auto', seeds: 1 });
      assert.equal(one.summary.enabled, false);
      assert.equal(one.members, undefined);
      assert.match(one.summary.reason, /the best trial alone predicts the 3 folds best/);
      const three = await planEnsemble(await artifacts.localPath(ref), data, { size: 3, selection: 'auto', seeds: 3 });
      assert.equal(three.summary.enabled, true);
      assert.deepEqual(three.members!.map((m) => [m.candidate.trialId, m.weight]), [[2, 1]]);
      assert.equal(three.seeds, 3);
      assert.match(three.summary.reason, /best trial alone .*: retrained with 3 seeds and averaged/);
      assert.deepEqual(three.summary.members.map((m) => m.number), [2]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Dataset } from '../../../src/data/dataset.ts';
import { findLabelIssues, type LabelIssueResult } from '../../../src/data/label-noise/find-label-issues.ts';
import { mlpClassifier } from '../../../src/train/label-noise/mlp-classifier.ts';
import { initEngine } from '../../../src/engine/engine.ts';
import { expectDeeplineError } from '../../data/fixtures/expect-deepline-error.ts';
import { digitsDataset } from './digits-dataset.ts';
import { flipLabels } from './flip-labels.ts';
import { createDefaultContext } from '../../../src/context/deepline-context.ts';

function score(result: LabelIssueResult, flipped: Set<number>): { recall: number; precision: number; flagged: number } {
  const hits = result.suspects.filter((s) => flipped.has(s.index)).length;
  return { recall: hits / flipped.size, precision: hits / Math.max(1, result.suspects.length), flagged: result.suspects.length };
}

function line(name: string, s: ReturnType<typeof score>, ms: number, flips: number): string {
  return `label-noise ${name}: recall=${s.recall.toFixed(2)} precision=${s.precision.toFixed(2)} flagged=${s.flagged} flipped=${flips} time=${(ms / 1000).toFixed(1)}s`;
}

describe('findLabelIssues', { timeout: 120_000 }, () => {
  const digits = digitsDataset();
  const noisy = flipLabels(digits, 0.05, 42);

  before(async () => {
    await initEngine('wasm');
  });

  it('flags >= 80% of 5% flipped digits labels with precision >= 50%', async () => {
    const started = performance.now();
    const result = await findLabelIssues(noisy.dataset, { seed: 1 });
    const s = score(result, noisy.flipped);
    console.log(line('digits', s, performance.now() - started, noisy.flipped.size));
    assert.equal(noisy.flipped.size, 90);
    assert.ok(s.recall >= 0.8, `recall ${s.recall}`);
    assert.ok(s.precision >= 0.5, `precision ${s.precision}`);
    // Ranked by margin, so the head of the list is purer than the whole list.
    const top = result.suspects.slice(0, 40).filter((x) => noisy.flipped.has(x.index)).length / 40;
    assert.ok(top >= 0.9 && top > s.precision, `top-40 precision ${top} vs ${s.precision} overall`);
    for (let i = 1; i < result.suspects.length; i++) assert.ok(result.suspects[i - 1].margin >= result.suspects[i].margin);
    for (const x of result.suspects) {
      assert.equal(x.given, noisy.dataset.y[x.index]);
      assert.notEqual(x.predicted, x.given);
      assert.ok(x.confidence > x.selfConfidence);
      assert.equal(x.sourceRow, x.index + 1, 'the source row follows each suspect');
    }
  });

  it('the strict confident-joint rule trades recall for precision', async () => {
    const started = performance.now();
    const strict = await findLabelIssues(noisy.dataset, { seed: 1, method: 'confident-joint' });
    const s = score(strict, noisy.flipped);
    console.log(line('digits confident-joint', s, performance.now() - started, noisy.flipped.size));
    assert.ok(s.precision >= 0.8, `precision ${s.precision}`);
    assert.ok(s.recall >= 0.6, `recall ${s.recall}`);
    for (const x of strict.suspects) {
      assert.ok(x.selfConfidence < strict.perClassThreshold[x.given], 'the given label is below its threshold');
      assert.ok(x.confidence >= strict.perClassThreshold[x.predicted], 'the predicted class reaches its threshold');
    }
    const offDiagonal = strict.confidentJoint.reduce((sum, row, i) => sum + row.reduce((a, v, j) => a + (i === j ? 0 : v), 0), 0);
    assert.ok(strict.suspects.length <= offDiagonal);
  });

  it('flags few examples of clean data, and is repeatable', async () => {
    const a = await findLabelIssues(digits, { seed: 3 });
    const b = await findLabelIssues(digits, { seed: 3 });
    console.log(`label-noise clean digits: flagged=${a.suspects.length} of ${digits.n}, out-of-fold accuracy=${a.outOfFoldAccuracy.toFixed(3)}`);
    assert.ok(a.suspects.length <= 0.01 * digits.n, `${a.suspects.length} flagged`);
    assert.ok(a.outOfFoldAccuracy >= 0.93, `accuracy ${a.outOfFoldAccuracy}`);
    assert.deepEqual(a.suspects, b.suspects);
    assert.deepEqual(Array.from(a.probabilities), Array.from(b.probabilities));
    for (let i = 0; i < digits.n; i++) {
      let sum = 0;
      for (let j = 0; j < 10; j++) sum += a.probabilities[i * 10 + j];
      assert.ok(Math.abs(sum - 1) < 1e-4);
    }
  });

  it('treats images as flat vectors: [8, 8, 1] digits give the same suspects as [64]', async () => {
    const images: Dataset = { ...noisy.dataset, featureShape: [8, 8, 1] };
    const [flat, image] = [await findLabelIssues(noisy.dataset, { seed: 5 }), await findLabelIssues(images, { seed: 5 })];
    assert.deepEqual(image.suspects, flat.suspects);
  });

  it('also works with a one-hidden-layer MLP per fold', async () => {
    const started = performance.now();
    const result = await findLabelIssues(noisy.dataset, { seed: 1, model: mlpClassifier(await createDefaultContext()) });
    const s = score(result, noisy.flipped);
    console.log(line('digits mlp', s, performance.now() - started, noisy.flipped.size));
    assert.ok(s.recall >= 0.8, `recall ${s.recall}`);
    assert.ok(s.precision >= 0.5, `precision ${s.precision}`);
  });

  it('rejects a numeric target, too little data and missing values', async () => {
    const regression: Dataset = { ...digits, target: { kind: 'numeric', name: 'value' } };
    await expectDeeplineError(() => findLabelIssues(regression, { seed: 1 }), 'DL_DATA_TARGET', /numeric/);
    const one: Dataset = { ...digits, n: 1, x: digits.x.subarray(0, 64), y: digits.y.subarray(0, 1) };
    await expectDeeplineError(() => findLabelIssues(one, { seed: 1 }), 'DL_DATA_TARGET', /at least 2 folds/);
    const x = Float32Array.from(digits.x);
    x[5 * 64 + 3] = NaN;
    await expectDeeplineError(() => findLabelIssues({ ...digits, x }, { seed: 1 }), 'DL_DATA_VALUE', /example 5 \(source row 6\) has NaN in feature 3/);
  });
});

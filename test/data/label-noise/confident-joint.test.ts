import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confidentJoint } from '../../../src/data/label-noise/confident-joint.ts';
import { selectLabelIssues } from '../../../src/data/label-noise/select-label-issues.ts';

const probs = (rows: number[][]): Float32Array => Float32Array.from(rows.flat());

describe('confidentJoint', () => {
  it('computes per-class thresholds and counts by hand', () => {
    const p = probs([[0.9, 0.1], [0.3, 0.7], [0.2, 0.8], [0.6, 0.4]]);
    const joint = confidentJoint(p, [0, 0, 1, 1], 2);
    assert.ok(Math.abs(joint.thresholds[0] - 0.6) < 1e-6);
    assert.ok(Math.abs(joint.thresholds[1] - 0.6) < 1e-6);
    // e3's 0.6 equals t0 (within float32): reaching the threshold counts.
    assert.deepEqual(joint.counts, [[1, 1], [1, 1]]);
    assert.deepEqual(Array.from(joint.confidentClass), [0, 1, 1, 0]);
    assert.deepEqual(joint.labelCounts, [2, 2]);
    const issues = selectLabelIssues(p, [0, 0, 1, 1], 2, joint, 'confident-joint');
    assert.deepEqual(issues.map((s) => [s.index, s.given, s.predicted]), [[1, 0, 1], [3, 1, 0]]);
    assert.ok(Math.abs(issues[0].margin - 0.4) < 1e-6);
  });

  it('a class no example carries gets a NaN threshold and is never confident', () => {
    const p = probs([[0.5, 0.1, 0.4], [0.2, 0.1, 0.7], [0.1, 0.1, 0.8]]);
    const joint = confidentJoint(p, [0, 2, 2], 3);
    assert.ok(Number.isNaN(joint.thresholds[1]));
    // t0 = 0.5, t2 = 0.75: e1's 0.7 reaches no threshold.
    assert.deepEqual(Array.from(joint.confidentClass), [0, -1, 2]);
    assert.deepEqual(joint.counts, [[1, 0, 0], [0, 0, 0], [0, 0, 1]]);
  });
});

describe('selectLabelIssues', () => {
  // t0 = 0.58, t1 = 0.85. e2 and e6 reach no threshold; e3 is confidently class 1.
  const labels = [0, 0, 0, 0, 1, 1, 0];
  const p = probs([[0.95, 0.05], [0.9, 0.1], [0.45, 0.55], [0.1, 0.9], [0.2, 0.8], [0.1, 0.9], [0.5, 0.5]]);
  const joint = confidentJoint(p, labels, 2);

  it('confident-joint flags only the off-diagonal examples', () => {
    assert.deepEqual(joint.counts, [[2, 1], [0, 1]]);
    assert.deepEqual(selectLabelIssues(p, labels, 2, joint, 'confident-joint').map((s) => s.index), [3]);
  });

  it('prune-by-class takes the calibrated count per label, by margin, where another class outscores the label', () => {
    // Class 0: 1 of 3 confident examples is off-diagonal, times 5 labelled 0 → round(1.67) = 2.
    const issues = selectLabelIssues(p, labels, 2, joint, 'prune-by-class');
    assert.deepEqual(issues.map((s) => s.index), [3, 2]);
    assert.ok(Math.abs(issues[1].margin - 0.1) < 1e-6);
    assert.ok(issues.every((s) => s.predicted === 1 && s.given === 0));
  });

  it('prune-by-class keeps at least one example of each class; the strict rule needs p(given) below its threshold', () => {
    const q = probs([[0.1, 0.9], [0.1, 0.9], [0.1, 0.9]]);
    const j = confidentJoint(q, [0, 0, 1], 2);
    assert.deepEqual(j.counts, [[0, 2], [0, 1]]);
    assert.deepEqual(selectLabelIssues(q, [0, 0, 1], 2, j, 'prune-by-class').map((s) => s.index), [0]);
    assert.deepEqual(selectLabelIssues(q, [0, 0, 1], 2, j, 'confident-joint'), []);
  });
});

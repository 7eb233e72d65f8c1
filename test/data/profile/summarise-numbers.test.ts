import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summariseNumbers } from '../../../src/data/profile/summarise-numbers.ts';

const close = (actual: number, expected: number, eps = 1e-9): void => assert.ok(Math.abs(actual - expected) <= eps, `${actual} ≠ ${expected}`);

describe('summariseNumbers', () => {
  it('leaves out missing and infinite values and computes exact statistics', () => {
    const s = summariseNumbers([4, 2, Number.NaN, 1, Infinity, 3]);
    assert.equal(s.count, 4);
    assert.equal(s.infinite, 1);
    assert.equal(s.min, 1);
    assert.equal(s.max, 4);
    close(s.mean, 2.5);
    close(s.std, Math.sqrt(1.25));
    assert.equal(s.distinct, 4);
    assert.equal(s.integer, true);
    // Type-7 quantiles of 1,2,3,4: position (m - 1) p.
    close(s.quantiles.p1, 1.03);
    close(s.quantiles.p25, 1.75);
    close(s.quantiles.p50, 2.5);
    close(s.quantiles.p99, 3.97);
  });

  it('matches numpy.percentile on 1..100', () => {
    const s = summariseNumbers(Array.from({ length: 100 }, (_, i) => i + 1));
    close(s.quantiles.p5, 5.95);
    close(s.quantiles.p95, 95.05);
    close(s.quantiles.p75, 75.25);
    close(s.std, Math.sqrt((100 * 100 - 1) / 12));
  });

  it('gives whole numbers over a short span one bin each', () => {
    const s = summariseNumbers([1, 2, 2, 4, 4, 4]);
    assert.deepEqual(s.histogram.edges, [0.5, 1.5, 2.5, 3.5, 4.5]);
    assert.deepEqual(s.histogram.counts, [1, 2, 0, 3]);
  });

  it('bins continuous values evenly, the last bin closed', () => {
    const s = summariseNumbers([0, 0.5, 1, 10, 7.5], { bins: 4 });
    assert.deepEqual(s.histogram.edges, [0, 2.5, 5, 7.5, 10]);
    assert.deepEqual(s.histogram.counts, [3, 0, 0, 2]);
    assert.equal(s.zeros, 1);
    assert.equal(s.integer, false);
    assert.equal(s.histogram.counts.reduce((a, b) => a + b, 0), s.count);
  });

  it('counts distinct values with repeats and keeps a constant column in one bin', () => {
    const s = summariseNumbers([0.1, 0.1, 0.1]);
    assert.equal(s.distinct, 1);
    assert.equal(s.std, 0);
    assert.deepEqual(s.histogram.counts, [3]);
  });

  it('returns NaN statistics and no bins when nothing is present', () => {
    const s = summariseNumbers([Number.NaN, Number.NaN]);
    assert.equal(s.count, 0);
    assert.ok(Number.isNaN(s.mean) && Number.isNaN(s.quantiles.p50));
    assert.deepEqual(s.histogram.counts, []);
  });

  it('keeps the standard deviation accurate far from zero', () => {
    const s = summariseNumbers([1e9 + 1, 1e9 + 2, 1e9 + 3]);
    close(s.std, Math.sqrt(2 / 3), 1e-6);
  });
});

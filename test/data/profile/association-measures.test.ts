import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { correlationRatio } from '../../../src/data/profile/correlation-ratio.ts';
import { cramersV } from '../../../src/data/profile/cramers-v.ts';
import { pearsonCorrelation } from '../../../src/data/profile/pearson-correlation.ts';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';

const close = (actual: number, expected: number, eps = 1e-9): void => assert.ok(Math.abs(actual - expected) <= eps, `${actual} ≠ ${expected}`);

describe('pearsonCorrelation', () => {
  it('matches a hand computation and skips rows missing either value', () => {
    // dx = -2..2, dy = -2,0,1,0,1: sxy 6, sxx 10, syy 6.
    const { r, n } = pearsonCorrelation([1, 2, 3, 4, 5, Number.NaN, 9], [2, 4, 5, 4, 5, 1, Number.NaN]);
    assert.equal(n, 5);
    close(r, 6 / Math.sqrt(60));
  });

  it('is -1 for a falling line and NaN for a constant side', () => {
    close(pearsonCorrelation([1, 2, 3], [30, 20, 10]).r, -1);
    assert.ok(Number.isNaN(pearsonCorrelation([1, 1, 1], [1, 2, 3]).r));
  });
});

describe('correlationRatio', () => {
  it('matches a hand computation of η and the ANOVA F', () => {
    // Group means 2 and 6 around 4: SS_between 16, SS_total 20, SS_within 4.
    const { eta, f, n } = correlationRatio(Int32Array.from([0, 0, 1, 1, -1]), 2, [1, 3, 5, 7, 100]);
    assert.equal(n, 4);
    close(eta, Math.sqrt(0.8));
    close(f, 16 / 1 / (4 / 2));
  });

  it('sees a non-linear dependence Pearson misses', () => {
    const groups = Int32Array.from([0, 0, 1, 1, 2, 2]);
    const values = [0, 0, 10, 10, 0, 0];
    close(correlationRatio(groups, 3, values).eta, 1);
    close(pearsonCorrelation(Array.from(groups), values).r, 0);
  });
});

describe('cramersV', () => {
  it('is 1 for a perfect association', () => {
    const a = Int32Array.from([0, 0, 1, 1]);
    const { v, plain, chi2 } = cramersV(a, 2, a, 2);
    close(chi2, 4);
    close(plain, 1);
    close(v, 1);
  });

  it('matches a hand computation on a 2x3 table, and the bias correction brings a small one to 0', () => {
    // Rows (1,1,1) and (1,2,0): Σ n²/(r c) = 22/18, chi² = 6 (22/18 - 1) = 4/3.
    const r = cramersV(Int32Array.from([0, 0, 0, 1, 1, 1]), 2, Int32Array.from([0, 1, 2, 0, 1, 1]), 3);
    close(r.chi2, 4 / 3);
    close(r.plain, Math.sqrt(4 / 3 / 6));
    close(r.v, 0);
  });

  it('does not call an ID-like column predictive', () => {
    const random = createSeededRandom(3);
    const ids = Int32Array.from({ length: 1000 }, (_, i) => i);
    const labels = Int32Array.from({ length: 1000 }, () => random.int(2));
    const r = cramersV(ids, 1000, labels, 2);
    close(r.plain, 1);
    assert.ok(r.v < 0.05, `corrected V ${r.v}`);
  });

  it('counts only occupied cells of a table too large to hold densely', () => {
    const random = createSeededRandom(5);
    const a = Int32Array.from({ length: 5000 }, () => random.int(3000));
    const b = Int32Array.from(a, (x) => (x * 7) % 1500);
    const cells = new Map<number, number>();
    const rows = new Map<number, number>();
    const cols = new Map<number, number>();
    a.forEach((x, i) => {
      cells.set(x * 1500 + b[i], (cells.get(x * 1500 + b[i]) ?? 0) + 1);
      rows.set(x, (rows.get(x) ?? 0) + 1);
      cols.set(b[i], (cols.get(b[i]) ?? 0) + 1);
    });
    let sum = 0;
    for (const [key, count] of cells) sum += count ** 2 / (rows.get(Math.floor(key / 1500))! * cols.get(key % 1500)!);
    const r = cramersV(a, 3000, b, 1500);
    close(r.chi2, 5000 * (sum - 1), 1e-6);
    close(r.plain, 1);
  });
});

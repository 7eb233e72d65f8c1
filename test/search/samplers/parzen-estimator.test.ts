import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';
import { multivariateParzenEstimator } from '../../../src/search/samplers/tpe/multivariate-parzen-estimator.ts';
import { paramDomain } from '../../../src/search/samplers/tpe/param-domain.ts';
import { categoricalParzenEstimator, numericParzenEstimator } from '../../../src/search/samplers/tpe/parzen-estimator.ts';
import { logTruncatedNormalPdf, sampleTruncatedNormal } from '../../../src/search/samplers/tpe/truncated-normal.ts';

/** Midpoint-rule integral of exp(logPdf) over [low, high]. */
function integrate(logPdf: (x: number) => number, low: number, high: number, n = 20000): number {
  const h = (high - low) / n;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(logPdf(low + (i + 0.5) * h));
  return sum * h;
}

it('truncated normal: known density values, unit mass, and draws matching the truncated mean', () => {
  // Untruncated in effect (±10σ): the standard normal density at 0 and 1.
  assert.ok(Math.abs(logTruncatedNormalPdf(0, 0, 1, -10, 10) - Math.log(0.3989422804)) < 1e-6);
  assert.ok(Math.abs(logTruncatedNormalPdf(1, 0, 1, -10, 10) - Math.log(0.2419707245)) < 1e-6);
  // Half-normal on [0, ∞): twice the density; outside the interval nothing.
  assert.ok(Math.abs(logTruncatedNormalPdf(0.5, 0, 1, 0, 10) - Math.log(2 * 0.3520653268)) < 1e-6);
  assert.equal(logTruncatedNormalPdf(-0.1, 0, 1, 0, 10), -Infinity);
  assert.ok(Math.abs(integrate((x) => logTruncatedNormalPdf(x, 0.2, 0.3, 0, 1), 0, 1) - 1) < 1e-4);
  const rng = createSeededRandom(1);
  let sum = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const x = sampleTruncatedNormal(0, 1, 0, 10, rng);
    assert.ok(x >= 0 && x <= 10);
    sum += x;
  }
  // Mean of the half-normal is √(2/π) ≈ 0.7979; the standard error here is about 0.004.
  assert.ok(Math.abs(sum / n - Math.sqrt(2 / Math.PI)) < 0.02, `mean ${sum / n}`);
});

it('numeric Parzen estimator: a density over its bounds that peaks at the observations', () => {
  for (const considerEndpoints of [false, true]) {
    const est = numericParzenEstimator([1, 1.2, 8], [1, 1, 1], 0, 10, { priorWeight: 1, considerEndpoints, considerMagicClip: true });
    assert.ok(Math.abs(integrate((x) => est.logPdf(x), 0, 10) - 1) < 1e-3);
    assert.ok(est.logPdf(1.1) > est.logPdf(5));
    assert.equal(est.logPdf(10.5), -Infinity);
  }
  // Empty history: the prior alone, still a proper density.
  const prior = numericParzenEstimator([], [], -1, 1, { priorWeight: 1, considerEndpoints: false, considerMagicClip: true });
  assert.ok(Math.abs(integrate((x) => prior.logPdf(x), -1, 1) - 1) < 1e-3);
});

it('categorical Parzen estimator: smoothed frequencies that sum to one and favour the seen choice', () => {
  const est = categoricalParzenEstimator([2, 2, 0], [1, 1, 1], 4, 1);
  const probs = [0, 1, 2, 3].map((c) => Math.exp(est.logPdf(c)));
  assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  // Each observation: 1/2 on its choice and 1/8 on every choice; the prior: 1/4 each; total mass 4.
  assert.ok(Math.abs(probs[2] - (2 * (0.5 + 0.125) + 0.125 + 0.25) / 4) < 1e-12);
  assert.ok(Math.abs(probs[1] - (3 * 0.125 + 0.25) / 4) < 1e-12);
  assert.ok(probs[2] > probs[0] && probs[0] > probs[1] && probs[1] === probs[3] && probs[1] > 0);
});

it('multivariate Parzen estimator: a proper joint density that keeps combinations together', () => {
  const domains = [paramDomain({ name: 'x', kind: 'float', low: 0, high: 1 }), paramDomain({ name: 'c', kind: 'categorical', choices: ['a', 'b'] })];
  const est = multivariateParzenEstimator(domains, [[0.1, 0], [0.9, 1]], [1, 1], 1, 0.1);
  const mass = integrate((x) => est.logPdf([x, 0]), 0, 1) + integrate((x) => est.logPdf([x, 1]), 0, 1);
  assert.ok(Math.abs(mass - 1) < 1e-3, `mass ${mass}`);
  // Observed pairs (0.1, a) and (0.9, b): the swapped pairs must be less likely. With two
  // observations the magic clip keeps σ ≥ width / 4, so the gap is modest (about e^0.74).
  assert.ok(est.logPdf([0.1, 0]) > est.logPdf([0.1, 1]) + 0.5);
  assert.ok(est.logPdf([0.9, 1]) > est.logPdf([0.9, 0]) + 0.5);
  // Univariate marginals could not tell these apart: x's and c's marginals are symmetric.
  const joint = (x: number, c: number) => Math.exp(est.logPdf([x, c]));
  assert.ok(Math.abs(joint(0.1, 0) + joint(0.1, 1) - (joint(0.9, 0) + joint(0.9, 1))) < 1e-9);
});

it('param domain: log and stepped parameters map onto their grid and back', () => {
  const lr = paramDomain({ name: 'lr', kind: 'float', low: 1e-4, high: 1, log: true });
  assert.equal(lr.kind, 'numeric');
  assert.ok(Math.abs(lr.decode(lr.encode(0.01) as number) as number - 0.01) < 1e-15);
  const width = paramDomain({ name: 'w', kind: 'int', low: 8, high: 64, step: 8 });
  assert.deepEqual(width.kind === 'numeric' && [width.low, width.high], [4, 68]);
  assert.equal(width.decode(13), 16);
  assert.equal(width.decode(67), 64);
  const dropout = paramDomain({ name: 'd', kind: 'float', low: 0, high: 0.5, step: 0.1 });
  assert.equal(dropout.decode(0.31), 0.3);
});

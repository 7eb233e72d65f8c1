import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createRegistries } from '../../src/context/registries.ts';
import { chiSquaredHomogeneity } from '../../src/monitor/drift/chi-squared.ts';
import { detectDrift } from '../../src/monitor/drift/detect-drift.ts';
import type { DriftSample } from '../../src/monitor/drift/drift-detector.ts';
import { kolmogorovSurvival, ksTwoSample } from '../../src/monitor/drift/ks-two-sample.ts';
import { mmdPermutationTest } from '../../src/monitor/drift/mmd.ts';
import { binCounts, populationStabilityIndex, quantileEdges } from '../../src/monitor/drift/psi.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';

function normals(seed: number): () => number {
  const random = createSeededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

/** Fixed samples (4 decimals, from seed 7) and what SciPy 1.10's ks_2samp(method='exact') says of them. */
function fixedSamples(): { a: number[]; b: number[] }[] {
  const normal = normals(7);
  return ([[40, 30, 0.5], [200, 150, 0.2], [500, 2000, 0.1], [1000, 1000, 0], [37, 37, 1]] as const).map(([m, n, shift]) => ({
    a: Array.from({ length: m }, () => Number(normal().toFixed(4))),
    b: Array.from({ length: n }, () => Number((normal() + shift).toFixed(4))),
  }));
}
const SCIPY = [
  [0.19166666666666668, 0.5040241964052575],
  [0.21666666666666667, 0.0005403043375104685],
  [0.031, 0.8298908380764453],
  [0.027, 0.8595454206943325],
  [0.6486486486486487, 1.198722732235135e-7],
];

describe('drift detectors', () => {
  it('two-sample KS: statistics and exact p-values agree with SciPy to 1e-6 on fixed samples', () => {
    fixedSamples().forEach(({ a, b }, k) => {
      const r = ksTwoSample(a, b);
      assert.equal(r.method, 'exact');
      assert.ok(Math.abs(r.statistic - SCIPY[k]![0]!) < 1e-12, `D ${r.statistic} vs ${SCIPY[k]![0]}`);
      assert.ok(Math.abs(r.pValue - SCIPY[k]![1]!) < 1e-6 * Math.max(1, SCIPY[k]![1]!), `p ${r.pValue} vs ${SCIPY[k]![1]}`);
    });
    // Kolmogorov's limit (large samples) against SciPy's kstwobign.sf.
    assert.ok(Math.abs(kolmogorovSurvival(0.5) - 0.9639452436648751) < 1e-9);
    assert.ok(Math.abs(kolmogorovSurvival(1.2) - 0.11224966667072497) < 1e-9);
    assert.ok(Math.abs(kolmogorovSurvival(2) - 0.0006709252557796953) < 1e-12);
  });

  it('two-sample KS agrees with SciPy run live, where python3-scipy is installed', (t) => {
    const python = '/usr/bin/python3';
    const probe = existsSync(python) ? spawnSync(python, ['-c', 'import scipy'], { encoding: 'utf8' }) : undefined;
    if (!probe || probe.status !== 0) return t.skip('no python3-scipy (apt-get install python3-scipy)');
    const samples = fixedSamples();
    const script = 'import json,sys\nfrom scipy import stats\nfor s in json.load(sys.stdin):\n    r = stats.ks_2samp(s["a"], s["b"], method="exact")\n    print(repr(float(r.statistic)), repr(float(r.pvalue)))';
    const r = spawnSync(python, ['-c', script], { input: JSON.stringify(samples), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    r.stdout.trim().split('\n').forEach((line, k) => {
      const [d, p] = line.split(' ').map(Number);
      const ours = ksTwoSample(samples[k]!.a, samples[k]!.b);
      assert.ok(Math.abs(ours.statistic - d!) < 1e-12 && Math.abs(ours.pValue - p!) < 1e-6 * Math.max(1, p!), `${line} vs ${ours.statistic} ${ours.pValue}`);
    });
  });

  it('detects a 0.5 SD mean shift in 1 of 10 features ≥ 90% of the time over 100 seeds, with ≤ 5% false alarms (Holm, default alpha)', () => {
    const registries = createRegistries();
    const table = (seed: number, rows: number, shifted: number | undefined): Record<string, DriftSample> => {
      const normal = normals(seed);
      return Object.fromEntries(
        Array.from({ length: 10 }, (_, f) => [`x${f}`, { kind: 'numeric' as const, values: Float64Array.from({ length: rows }, () => normal() + (f === shifted ? 0.5 : 0)) }]),
      );
    };
    let detected = 0;
    let falseAlarms = 0;
    let wrongFeature = 0;
    const seeds = 100;
    for (let s = 0; s < seeds; s++) {
      const reference = table(1_000 + s, 1000, undefined);
      const shifted = detectDrift(reference, table(2_000 + s, 500, 3), registries.driftDetectors);
      if (shifted.drift) detected++;
      if (shifted.drifted.some((f) => f !== 'x3')) wrongFeature++;
      if (detectDrift(reference, table(3_000 + s, 500, undefined), registries.driftDetectors).drift) falseAlarms++;
    }
    console.log(`drift: detected ${detected}/${seeds} shifted windows, ${falseAlarms}/${seeds} false alarms on unshifted ones, ${wrongFeature} wrong features named`);
    assert.ok(detected >= 90, `detected ${detected}%`);
    assert.ok(falseAlarms <= 5, `false alarms ${falseAlarms}%`);
    assert.ok(wrongFeature <= 5);
  });

  it('chi-squared and PSI see a changed category mix, and not an unchanged one', () => {
    const same = chiSquaredHomogeneity([300, 200, 100], [150, 100, 50]);
    assert.equal(same.degreesOfFreedom, 2);
    assert.ok(same.statistic < 1e-9 && same.pValue > 0.99);
    const moved = chiSquaredHomogeneity([300, 200, 100], [50, 100, 150]);
    // By hand: expected counts from the pooled shares (233⅓, 200, 166⅔ and 116⅔, 100, 83⅓): 960/7.
    assert.ok(Math.abs(moved.statistic - 960 / 7) < 1e-9, String(moved.statistic));
    assert.ok(moved.pValue < 1e-30);
    assert.ok(populationStabilityIndex([300, 200, 100], [150, 100, 50]) < 1e-12);
    assert.ok(populationStabilityIndex([300, 200, 100], [50, 100, 150]) > 0.25);
    const reference = Float64Array.from({ length: 1000 }, (_, i) => i);
    const edges = quantileEdges(reference);
    assert.equal(edges.length, 9);
    assert.deepEqual(binCounts(reference, edges), [101, 100, 100, 100, 100, 100, 100, 100, 100, 99]);
  });

  it('MMD on embeddings: a shifted cloud is told apart, an unshifted one is not, and the p-value is reproducible', () => {
    const cloud = (seed: number, rows: number, dim: number, shift: number): Float32Array => {
      const normal = normals(seed);
      return Float32Array.from({ length: rows * dim }, (_, k) => normal() + (k % dim === 0 ? shift : 0));
    };
    const reference = cloud(1, 150, 16, 0);
    const shifted = mmdPermutationTest(reference, cloud(2, 100, 16, 0.8), 16, { permutations: 100, seed: 5 });
    const unshifted = mmdPermutationTest(reference, cloud(3, 100, 16, 0), 16, { permutations: 100, seed: 5 });
    assert.ok(shifted.pValue <= 0.02, `shifted p ${shifted.pValue}`);
    assert.ok(unshifted.pValue > 0.05, `unshifted p ${unshifted.pValue}`);
    assert.ok(shifted.statistic > unshifted.statistic);
    assert.deepEqual(mmdPermutationTest(reference, cloud(2, 100, 16, 0.8), 16, { permutations: 100, seed: 5 }), shifted);
  });

  it('names what is wrong: a feature missing from the window, an unknown detector', () => {
    const registries = createRegistries();
    const a: DriftSample = { kind: 'numeric', values: [1, 2, 3] };
    assert.throws(() => detectDrift({ age: a }, {}, registries.driftDetectors), /the window has no age/);
    assert.throws(() => detectDrift({ age: a }, { age: a }, registries.driftDetectors, { detectors: { numeric: 'kss' } }), /unknown drift detector `numeric\/kss` \(did you mean `numeric\/ks`\?\)/);
  });
});

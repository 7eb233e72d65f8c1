import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';
import type { Params } from '../../../src/search/space.ts';
import { tpeOptionsSchema, tpeSampler } from '../../../src/search/samplers/tpe-sampler.ts';
import { samplerConformance } from '../../../src/testing/sampler-conformance.ts';
import { minimise } from './minimise.ts';
import { branin, hartmann6 } from './synthetic-functions.ts';

/** Good configurations of a related past task: near Branin's three minima, a little off each. */
const BRANIN_PRIOR: Params[] = [
  { x1: -3.0, x2: 12.0 },
  { x1: 3.3, x2: 2.0 },
  { x1: 9.2, x2: 2.9 },
];
const tpe = (prior?: Params[], options: object = {}) => tpeSampler.create(tpeOptionsSchema.parse({ nStartup: 5, ...options }), prior && { good: prior });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const seeds = Array.from({ length: 20 }, (_, i) => i);

samplerConformance('tpe with a prior', () => tpe(BRANIN_PRIOR));

it('tpe prior: with good configurations of a related task it gets lower on Branin within 10 evaluations than without', () => {
  const warm = mean(seeds.map((s) => minimise(tpe(BRANIN_PRIOR), branin, 10, s).bestSoFar[9]));
  const cold = mean(seeds.map((s) => minimise(tpe(), branin, 10, s).bestSoFar[9]));
  assert.ok(warm < 0.8 * cold, `warm ${warm.toFixed(3)} vs cold ${cold.toFixed(3)}`);
  // The prior seeds the startup draws, it does not replay the prior configurations.
  const first = minimise(tpe(BRANIN_PRIOR), branin, 5, 1);
  assert.ok(first.bestSoFar[0] > branin.optimum);
});

it('tpe prior: its startup draws land near the prior configurations far more often than uniform draws', () => {
  const near = (p: Params) => BRANIN_PRIOR.some((q) => Math.hypot(((p.x1 as number) - (q.x1 as number)) / 15, ((p.x2 as number) - (q.x2 as number)) / 15) < 0.1);
  const share = (prior?: Params[]) => {
    let hits = 0;
    for (let s = 0; s < 40; s++) {
      const sampler = tpe(prior, { nStartup: 10 });
      const history: { id: number; params: Params; state: 'complete'; value: number }[] = [];
      const rng = createSeededRandom(s);
      for (let i = 0; i < 10; i++) {
        const params = sampler.sample(branin.space, history, rng);
        if (near(params)) hits++;
        history.push({ id: i, params, state: 'complete', value: branin.evaluate(params) });
      }
    }
    return hits / 400;
  };
  const warm = share(BRANIN_PRIOR);
  const cold = share();
  // Three discs of radius 0.1 cover about 9% of the unit square; the prior's kernels are broad
  // (TPE's bandwidth floor with few observations), so the draws spread around them.
  assert.ok(cold < 0.13, `uniform share near the prior ${cold}`);
  assert.ok(warm > 1.4 * cold, `prior share near the prior ${warm} vs uniform ${cold}`);
});

it('tpe prior: a misleading prior costs little once the study has its own trials (Hartmann-6, 40 evaluations)', () => {
  // The prior sits at the far corner from the optimum near (0.20, 0.15, 0.48, 0.28, 0.31, 0.66).
  const wrong: Params[] = [{ x1: 0.95, x2: 0.95, x3: 0.95, x4: 0.95, x5: 0.95, x6: 0.05 }];
  const misled = mean(seeds.map((s) => minimise(tpe(wrong, { nStartup: 10 }), hartmann6, 40, s).bestSoFar[39]));
  const cold = mean(seeds.map((s) => minimise(tpe(undefined, { nStartup: 10 }), hartmann6, 40, s).bestSoFar[39]));
  assert.ok(misled < cold + 0.35, `misled ${misled.toFixed(3)} vs cold ${cold.toFixed(3)}`);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSeededRandom } from '../seed/seeded-random.ts';
import type { Sampler, TrialRecord } from '../search/samplers/sampler.ts';
import type { Params, SearchSpace } from '../search/space.ts';
import { activeParams } from '../search/space/active-params.ts';
import { validateParams } from '../search/space/validate-params.ts';

/** A space with every parameter kind and a two-level conditional tree, so one walk exercises them all. */
const SPACE: SearchSpace = {
  params: [
    { name: 'lr', kind: 'float', low: 1e-5, high: 1e-1, log: true },
    { name: 'dropout', kind: 'float', low: 0, high: 0.5, step: 0.1 },
    { name: 'batch', kind: 'int', low: 16, high: 256, log: true },
    { name: 'width', kind: 'int', low: 8, high: 64, step: 8 },
    { name: 'optimizer', kind: 'categorical', choices: ['adam', 'sgd', { name: 'rmsprop', rho: 0.9 }] },
    { name: 'momentum', kind: 'float', low: 0.5, high: 0.99, condition: { parent: 'optimizer', values: ['sgd'] } },
    { name: 'depth', kind: 'int', low: 1, high: 4 },
    { name: 'blocks.2.filters', kind: 'int', low: 8, high: 32, condition: { parent: 'depth', values: [3, 4] } },
    { name: 'blocks.2.residual', kind: 'categorical', choices: [true, false], condition: { parent: 'blocks.2.filters', values: [8, 9, 10, 11, 12] } },
  ],
};

/** A fake objective with structure (so model-based samplers leave their startup phase with something to learn). */
function objective(p: Params): number {
  return Math.abs(Math.log10(p.lr as number) + 3) + (p.dropout as number) + (p.depth as number) / 4 + (p.optimizer === 'sgd' ? 0 : 0.5);
}

/** Runs `n` trials, marking some failed and some pruned so samplers meet every state. */
function drive(sampler: Sampler, seed: number, n: number, space: SearchSpace = SPACE): TrialRecord[] {
  const rng = createSeededRandom(seed);
  const history: TrialRecord[] = [];
  for (let i = 0; i < n; i++) {
    const params = sampler.sample(space, history, rng);
    const value = objective(params);
    if (i % 7 === 3) history.push({ id: i, params, state: 'failed' });
    else if (i % 5 === 4) history.push({ id: i, params, state: 'pruned', intermediate: [{ step: 1, value: value + 1 }, { step: 2, value }] });
    else if (i % 11 === 6) history.push({ id: i, params, state: 'pruned' });
    else history.push({ id: i, params, state: 'complete', value });
  }
  return history;
}

/**
 * The contract every sampler must meet (see sampler.ts): valid values of the right type on their
 * step grid, conditional parameters present exactly when active, the same params for the same
 * seed and history, and no failure on an empty history or on failed, pruned and running trials.
 * `create` returns a fresh sampler; `trials` is long enough to pass any startup phase.
 */
export function samplerConformance(label: string, create: () => Sampler, trials = 40): void {
  describe(`Sampler conformance: ${label}`, () => {
    it('proposes valid params, conditionals present exactly when active', () => {
      const history = drive(create(), 1, trials);
      for (const t of history) {
        assert.deepEqual(validateParams(SPACE, t.params), [], `trial ${t.id}: ${JSON.stringify(t.params)}`);
        assert.deepEqual(Object.keys(t.params).sort(), activeParams(SPACE, t.params).sort());
        assert.equal(typeof t.params.lr, 'number');
        assert.ok(Number.isInteger(t.params.batch) && Number.isInteger(t.params.width) && (t.params.width as number) % 8 === 0);
        assert.ok(Number.isInteger(Math.round((t.params.dropout as number) * 10)) && Math.abs((t.params.dropout as number) * 10 - Math.round((t.params.dropout as number) * 10)) < 1e-9);
      }
    });

    it('explores both branches of a condition over a run', () => {
      const history = drive(create(), 2, trials);
      const withMomentum = history.filter((t) => 'momentum' in t.params).length;
      assert.ok(withMomentum > 0 && withMomentum < history.length, `momentum active in ${withMomentum}/${history.length}`);
      const deep = history.filter((t) => 'blocks.2.filters' in t.params).length;
      assert.ok(deep > 0 && deep < history.length, `blocks.2.filters active in ${deep}/${history.length}`);
    });

    it('uses the log scale: many lr draws fall below the geometric midpoint 1e-3', () => {
      const history = drive(create(), 3, trials);
      const below = history.filter((t) => (t.params.lr as number) < 1e-3).length;
      // Uniform on a linear scale, under 1% of draws would fall below 1e-3; log-uniform puts about half there.
      assert.ok(below >= trials * 0.1, `${below}/${trials} lr draws below 1e-3`);
    });

    it('is deterministic for a seed and history, and varies with the seed', () => {
      const a = drive(create(), 4, trials).map((t) => t.params);
      const b = drive(create(), 4, trials).map((t) => t.params);
      assert.deepEqual(a, b);
      // Replaying the recorded history gives the next proposal a fresh process would make.
      const history = drive(create(), 5, trials);
      const rngA = createSeededRandom(99);
      const rngB = createSeededRandom(99);
      assert.deepEqual(create().sample(SPACE, history, rngA), create().sample(SPACE, history.map((t) => ({ ...t })), rngB));
      const c = drive(create(), 6, Math.min(trials, 10)).map((t) => t.params);
      assert.notDeepEqual(a.slice(0, c.length), c);
    });

    it('works with an empty history and with only failed, pruned or running trials', () => {
      const rng = createSeededRandom(7);
      const sampler = create();
      assert.deepEqual(validateParams(SPACE, sampler.sample(SPACE, [], rng)), []);
      const params = sampler.sample(SPACE, [], rng);
      const odd: TrialRecord[] = Array.from({ length: trials }, (_, i) => ({
        id: i,
        params,
        state: (['failed', 'pruned', 'running'] as const)[i % 3],
        intermediate: i % 2 === 0 ? [{ step: i, value: i }] : undefined,
      }));
      assert.deepEqual(validateParams(SPACE, sampler.sample(SPACE, odd, rng)), []);
    });

    it('handles degenerate domains: low = high and a single choice', () => {
      const space: SearchSpace = {
        params: [
          { name: 'a', kind: 'float', low: 2, high: 2 },
          { name: 'b', kind: 'int', low: 3, high: 3 },
          { name: 'c', kind: 'categorical', choices: ['only'] },
        ],
      };
      for (const t of drive(create(), 8, trials, space)) assert.deepEqual(t.params, { a: 2, b: 3, c: 'only' });
    });
  });
}

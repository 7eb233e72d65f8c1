import { createSeededRandom } from '../../../src/seed/seeded-random.ts';
import type { Sampler, TrialRecord } from '../../../src/search/samplers/sampler.ts';
import type { SyntheticFunction } from './synthetic-functions.ts';

/** Runs `evaluations` sequential trials of `sampler` on `fn` and returns the best-so-far value after each, plus the time spent sampling. */
export function minimise(sampler: Sampler, fn: SyntheticFunction, evaluations: number, seed: number): { bestSoFar: number[]; sampleMs: number } {
  const rng = createSeededRandom(seed);
  const history: TrialRecord[] = [];
  const bestSoFar: number[] = [];
  let best = Infinity;
  let sampleMs = 0;
  for (let i = 0; i < evaluations; i++) {
    const started = performance.now();
    const params = sampler.sample(fn.space, history, rng);
    sampleMs += performance.now() - started;
    const value = fn.evaluate(params);
    history.push({ id: i, params, state: 'complete', value });
    best = Math.min(best, value);
    bestSoFar.push(best);
  }
  return { bestSoFar, sampleMs };
}

import { z } from 'zod';
import type { SeededRandom } from '../../seed/seeded-random.ts';
import type { JsonValue, Param, Params } from '../space.ts';
import { isParamActive } from '../space/is-param-active.ts';
import type { Sampler, SamplerEntry, SamplerPrior, TrialRecord } from './sampler.ts';
import { sampleUniformly } from './sample-uniformly.ts';
import { multivariateParzenEstimator } from './tpe/multivariate-parzen-estimator.ts';
import { paramDomain } from './tpe/param-domain.ts';
import { categoricalParzenEstimator, numericParzenEstimator, type ParzenEstimator } from './tpe/parzen-estimator.ts';
import { splitTrials } from './tpe/split-trials.ts';

export const tpeOptionsSchema = z.strictObject({
  /** Trials drawn at random before TPE models anything. */
  nStartup: z.int().min(0).default(10),
  /** Candidates drawn from l(x) per parameter; the best l/g ratio wins. */
  nCandidates: z.int().min(1).default(24),
  /**
   * The good set is the best min(ceil(gamma · n), gammaCap) of n ranked trials. 0.2 rather than
   * Optuna's 0.1: joint kernels need more good trials to place themselves (tuned in bench/sampler.ts).
   */
  gamma: z.number().gt(0).max(1).default(0.2),
  gammaCap: z.int().min(1).default(25),
  /** Weight of the broad prior kernel in each mixture, relative to one observation. */
  priorWeight: z.number().min(0).default(1),
  considerEndpoints: z.boolean().default(false),
  considerMagicClip: z.boolean().default(true),
  /**
   * Model the unconditional parameters jointly (product kernels) and conditional ones per parameter.
   * On by default: it beat univariate TPE on both Branin and Hartmann-6 in bench/sampler.ts.
   */
  multivariate: z.boolean().default(true),
  /**
   * Scott's-rule factor for the joint kernels' σ (multivariate only). 0.1, half the usual 0.2, let
   * the search refine the optimum late in a run without hurting the early phase in the bench.
   */
  bandwidth: z.number().gt(0).max(1).default(0.1),
  /**
   * Weight of each prior configuration (the warm start's, from past tasks) in l(x), relative to
   * one observation, while this study has observed no more than nStartup trials; it then fades as
   * nStartup / n, so the study's own trials take over.
   */
  priorConfigWeight: z.number().min(0).default(0.5),
});
export type TpeOptions = z.infer<typeof tpeOptionsSchema>;

/** Trials older than the newest this many weigh less, ramping linearly, so the model follows the search as it narrows. */
const FULL_WEIGHT_RECENT = 25;

/**
 * Tree-structured Parzen Estimator (Bergstra et al., 2011): rank the history (see splitTrials),
 * model the good trials by l(x) and the rest by g(x), draw nCandidates from l and keep the one
 * with the largest l(x)/g(x). The unconditional parameters are drawn jointly (multivariate TPE,
 * Falkner et al., 2018) unless `multivariate` is off; each conditional parameter is drawn on its own,
 * modelled over only the trials where it was active (a trial's other values do not say how it
 * would have fared), and only once its condition holds for the values drawn before it, so an
 * inactive parameter is never sampled. Joint kernels over conditional subtrees (Optuna's `group`)
 * could follow.
 *
 * With a prior (the warm start's good configurations from past tasks), the startup draws come
 * from the prior's kernel mixture (one draw, no l/g contest, so they spread like the prior rather
 * than crowd its mode) and, after the startup, the prior configurations join the good set l(x)
 * with a weight that fades as the study's own trials accumulate.
 */
export const tpeSampler: SamplerEntry<TpeOptions> = {
  name: 'tpe',
  description: 'Tree-structured Parzen Estimator with a random startup phase and conditional parameters',
  optionsSchema: tpeOptionsSchema,
  create(options, prior?: SamplerPrior): Sampler {
    const good = prior?.good ?? [];
    return {
      name: 'tpe',
      sample(space, history, rng): Params {
        const split = splitTrials(history, (n) => Math.min(Math.ceil(options.gamma * n), options.gammaCap));
        const observed = split.below.length + split.above.length;
        const startup = observed < options.nStartup;
        const fromPrior = startup && good.length > 0;
        // Prior configurations stand in the good set as trials of weight `priorWeightEach`.
        const priorWeightEach = options.priorConfigWeight * Math.min(1, options.nStartup / Math.max(1, observed));
        const extra: Weighted[] = good.map((params) => ({ params, weight: fromPrior ? 1 : priorWeightEach }));
        const below: Weighted[] = [...(fromPrior ? [] : split.below.map(weighted)), ...(priorWeightEach > 0 || fromPrior ? extra : [])];
        const above: Weighted[] = fromPrior ? [] : split.above.map(weighted);
        const draw = fromPrior ? { ...options, nCandidates: 1 } : options;
        const joint = new Map<string, JsonValue>();
        if ((!startup || fromPrior) && options.multivariate) {
          // Degenerate numeric domains (low = high) carry no information and would give σ = 0.
          const group = space.params.filter((p) => p.condition === undefined && (p.kind === 'categorical' || p.low < p.high));
          if (group.length > 1) sampleJointly(group, below, above, draw, rng).forEach((v, j) => joint.set(group[j].name, v));
        }
        const params: Record<string, JsonValue> = {};
        for (const param of space.params) {
          if (!isParamActive(param, params)) continue;
          if (joint.has(param.name)) params[param.name] = joint.get(param.name) as JsonValue;
          else params[param.name] = startup && !fromPrior ? sampleUniformly(param, rng) : sampleParam(param, below, above, draw, rng);
        }
        return params;
      },
    };
  },
};

/** A trial's params in a Parzen mixture, with its weight relative to one of the study's own observations. */
interface Weighted {
  readonly params: Params;
  /** Undefined: one of the study's trials (weighted by recency); a number: a prior configuration's weight. */
  readonly weight?: number;
}

function weighted(t: TrialRecord): Weighted {
  return { params: t.params };
}

/** Recency weights for the study's own trials (in order), each prior configuration's own weight after them. */
function weightsOf(kept: readonly Weighted[]): number[] {
  const own = kept.filter((t) => t.weight === undefined).length;
  const recency = recencyWeights(own);
  let k = 0;
  return kept.map((t) => t.weight ?? recency[k++]);
}

function sampleParam(param: Param, below: readonly Weighted[], above: readonly Weighted[], options: TpeOptions, rng: SeededRandom): JsonValue {
  const domain = paramDomain(param);
  const values = (trials: readonly Weighted[]) => {
    const xs: number[] = [];
    const kept: Weighted[] = [];
    for (const t of trials) {
      if (!Object.hasOwn(t.params, param.name)) continue;
      const x = domain.encode(t.params[param.name]);
      if (x === undefined) continue;
      xs.push(x);
      kept.push(t);
    }
    return { xs, weights: weightsOf(kept) };
  };
  const estimator = ({ xs, weights }: { xs: number[]; weights: number[] }): ParzenEstimator => {
    if (domain.kind === 'categorical') return categoricalParzenEstimator(xs, weights, domain.size, options.priorWeight);
    if (domain.low === domain.high) return { sample: () => domain.low, logPdf: () => 0 };
    return numericParzenEstimator(xs, weights, domain.low, domain.high, options);
  };
  const l = estimator(values(below));
  const g = estimator(values(above));
  return domain.decode(bestCandidate(() => domain.round(l.sample(rng)), (x) => l.logPdf(x) - g.logPdf(x), options.nCandidates));
}

/** Draws jointly the unconditional parameters of `group` from the good trials' product-kernel mixture. */
function sampleJointly(group: readonly Param[], below: readonly Weighted[], above: readonly Weighted[], options: TpeOptions, rng: SeededRandom): JsonValue[] {
  const domains = group.map(paramDomain);
  const rows = (trials: readonly Weighted[]) => {
    const out: number[][] = [];
    const kept: Weighted[] = [];
    for (const t of trials) {
      const row = group.map((p, j) => (Object.hasOwn(t.params, p.name) ? domains[j].encode(t.params[p.name]) : undefined));
      // A trial recorded under an older space may lack a parameter; it cannot place a joint kernel.
      if (row.every((x) => x !== undefined)) {
        out.push(row as number[]);
        kept.push(t);
      }
    }
    return { out, weights: weightsOf(kept) };
  };
  const lRows = rows(below);
  const gRows = rows(above);
  const l = multivariateParzenEstimator(domains, lRows.out, lRows.weights, options.priorWeight, options.bandwidth);
  const g = multivariateParzenEstimator(domains, gRows.out, gRows.weights, options.priorWeight, options.bandwidth);
  const best = bestCandidate(
    () => l.sample(rng).map((u, j) => domains[j].round(u)),
    (x) => l.logPdf(x) - g.logPdf(x),
    options.nCandidates,
  );
  return best.map((u, j) => domains[j].decode(u));
}

/** The draw with the largest score among `n`; the first wins ties, so results do not depend on float noise in later ones. */
function bestCandidate<T>(draw: () => T, score: (x: T) => number, n: number): T {
  let best = draw();
  let bestScore = score(best);
  for (let i = 1; i < n; i++) {
    const x = draw();
    const s = score(x);
    if (s > bestScore) {
      best = x;
      bestScore = s;
    }
  }
  return best;
}

/** Weight 1 for the newest FULL_WEIGHT_RECENT observations, a linear ramp up from 1/n for older ones (trial order). */
function recencyWeights(n: number): number[] {
  if (n <= FULL_WEIGHT_RECENT) return new Array<number>(n).fill(1);
  const ramp = n - FULL_WEIGHT_RECENT;
  return Array.from({ length: n }, (_, i) => (i < ramp ? 1 / n + ((1 - 1 / n) * i) / Math.max(1, ramp - 1) : 1));
}

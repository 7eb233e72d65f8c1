import { existsSync } from 'node:fs';
import type { Dataset } from '../../data/dataset.ts';
import type { StepContext } from '../../pipeline/step.ts';
import { canonicalJson } from '../../store/canonical-json.ts';
import type { PriorConfig, TaskMetaFeatures } from '../../store/formats/prior-task.ts';
import type { StoredTrial } from '../../store/metadata/study-store.ts';
import type { SamplerPrior } from '../samplers/sampler.ts';
import type { Params, SearchSpace } from '../space.ts';
import { planWarmStart, type PriorCandidate, type WarmStartNeighbour, type WarmStartPlan } from './plan-warm-start.ts';
import { DEFAULT_PRIOR_FILE, readPriorFile, shippedPriorPath } from './read-prior-file.ts';
import { taskMetaFeatures } from './task-meta-features.ts';

/** `search.prior` as the search step takes it: how many past tasks and first trials (absent: off). */
export interface WarmStartSettings {
  readonly neighbours: number;
  readonly portfolio: number;
}

/** What the study summary says about the warm start (`study.warmStart`). */
export interface WarmStartSummary {
  /** The task's meta-features, as recorded in the prior store. */
  readonly metaFeatures: TaskMetaFeatures;
  /** False when the task file turned the prior off (the task is still recorded). */
  readonly enabled: boolean;
  /** The past tasks that seeded the search, nearest first. */
  readonly neighbours: readonly WarmStartNeighbour[];
  /** Trial numbers (0-based) that ran a portfolio configuration. */
  readonly seededTrials: readonly number[];
  /** Good configurations of the neighbours in the sampler's prior. */
  readonly priorConfigs: number;
}

/** Configurations a prior task keeps: its best distinct complete trials. */
const KEPT_CONFIGS = 5;

export interface WarmStartSearch {
  readonly metaFeatures: TaskMetaFeatures;
  readonly plan?: WarmStartPlan;
  /** For the sampler: the neighbours' good configurations (undefined when there are none). */
  readonly samplerPrior?: SamplerPrior;
  /**
   * The trials to run first: the task file's own warm-start list, then the portfolio (the nearest
   * task's best first), then the family's default model. `runToEnd` are those the scheduler must
   * not stop (all but the default model): each already proved itself over a whole training run,
   * on this task or a near one, and a few epochs on one fold say less than that — a slow starter
   * (a low learning rate, tanh with batch norm) would lose its rung to any fast-starting draw.
   */
  firsts(explicit: readonly Params[], initial: Params | undefined): { readonly trials: Params[]; readonly runToEnd: Params[] };
  summary(trials: readonly StoredTrial[]): WarmStartSummary;
  /** Records the finished study in the workspace's prior store, so later searches learn from it. */
  record(trials: readonly StoredTrial[], label: string, family: string, errorName: string): Promise<void>;
}

/**
 * The warm start of one search: the task's meta-features, the past tasks nearest to it (the
 * shipped prior plus the workspace's finished studies), and what they seed. The meta-features are
 * computed even when the prior is off, so the study is recorded for later searches all the same.
 */
export async function warmStartSearch(
  ctx: Pick<StepContext, 'deepline' | 'log' | 'seed'>,
  options: {
    readonly train: Dataset;
    readonly validation: Dataset;
    readonly family: string;
    readonly space: SearchSpace;
    readonly initial: Params | undefined;
    readonly studyName: string;
    readonly settings: WarmStartSettings | undefined;
  },
): Promise<WarmStartSearch> {
  const metaFeatures = await taskMetaFeatures(options.train, options.validation, ctx.seed);
  let plan: WarmStartPlan | undefined;
  if (options.settings) {
    const candidates: PriorCandidate[] = [];
    const path = shippedPriorPath();
    // An install without the shipped file (a trimmed package) starts from the workspace alone; a file named in DEEPLINE_PRIOR must exist.
    if (path && (path !== DEFAULT_PRIOR_FILE || existsSync(path))) for (const task of (await readPriorFile(path)).tasks) candidates.push({ task, source: 'shipped' });
    for (const task of await ctx.deepline.priors().list()) candidates.push({ task, source: 'workspace' });
    plan = planWarmStart({
      metaFeatures,
      family: options.family,
      space: options.space,
      candidates,
      ...(options.initial && { fill: options.initial }),
      exclude: new Set([options.studyName]),
      neighbours: options.settings.neighbours,
      portfolio: options.settings.portfolio,
    });
    if (plan.skipped.length > 0) ctx.log.info({ skipped: plan.skipped }, 'past configurations that do not fit this search space were skipped');
    ctx.log.info({ metaFeatures, neighbours: plan.neighbours, portfolio: plan.portfolio.length, prior: plan.good.length }, 'warm start');
  }
  const portfolio = plan?.portfolio ?? [];
  let firstsGiven: readonly Params[] = [];
  return {
    metaFeatures,
    ...(plan && { plan }),
    ...(plan && plan.good.length > 0 && { samplerPrior: { good: plan.good } }),
    firsts(explicit, initial) {
      const seen = new Set(explicit.map((p) => canonicalJson(p)));
      const rest = portfolio.filter((p) => !seen.has(canonicalJson(p)));
      firstsGiven = [...explicit, ...rest, ...(initial ? [initial] : [])];
      return { trials: [...firstsGiven], runToEnd: [...explicit, ...rest] };
    },
    summary(trials) {
      const seeded = new Set(portfolio.map((p) => canonicalJson(p)));
      // A portfolio configuration counts where it ran as one of the first trials (not when TPE later drew the same).
      const seededTrials = trials.filter((t) => t.number < firstsGiven.length && seeded.has(canonicalJson(t.params))).map((t) => t.number);
      return { metaFeatures, enabled: options.settings !== undefined, neighbours: plan?.neighbours ?? [], seededTrials, priorConfigs: plan?.good.length ?? 0 };
    },
    async record(trials, label, family, errorName) {
      const configs = bestConfigs(trials);
      if (configs.length === 0) return;
      try {
        await ctx.deepline.priors().put({ name: options.studyName, label, family, metaFeatures, errorName, configs });
      } catch (e) {
        // Learning from this study is a bonus; the search itself succeeded.
        ctx.log.warn({ err: e }, 'could not record the study in the prior store');
      }
    },
  };
}

/** The best distinct complete trials, best first (a resumed study's retries repeat params). */
export function bestConfigs(trials: readonly Pick<StoredTrial, 'state' | 'values' | 'params'>[]): PriorConfig[] {
  const seen = new Set<string>();
  const out: PriorConfig[] = [];
  const complete = trials.filter((t) => t.state === 'complete' && t.values && Number.isFinite(t.values[0]));
  for (const t of [...complete].sort((a, b) => a.values![0] - b.values![0])) {
    const key = canonicalJson(t.params);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ params: t.params, error: t.values![0] });
    if (out.length === KEPT_CONFIGS) break;
  }
  return out;
}

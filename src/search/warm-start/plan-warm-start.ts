import { canonicalJson } from '../../store/canonical-json.ts';
import type { PriorTask, TaskMetaFeatures } from '../../store/formats/prior-task.ts';
import type { Params, SearchSpace } from '../space.ts';
import { adaptParams } from './adapt-params.ts';
import { taskDistance } from './task-distance.ts';

/** Where a past task comes from: the prior deepline ships, or this workspace's finished studies. */
export type PriorSource = 'shipped' | 'workspace';

export interface PriorCandidate {
  readonly task: PriorTask;
  readonly source: PriorSource;
}

/** One past task that seeded the search, and how near it was. */
export interface WarmStartNeighbour {
  readonly name: string;
  readonly label: string;
  readonly source: PriorSource;
  readonly distance: number;
  /** Its best validation error (on its own scale: `errorName`). */
  readonly bestError: number;
  readonly errorName: string;
}

export interface WarmStartPlan {
  readonly neighbours: readonly WarmStartNeighbour[];
  /** Distinct configurations to try first, adapted to this space, nearest task's best first. */
  readonly portfolio: readonly Params[];
  /** The neighbours' good configurations, adapted, for the sampler's prior. */
  readonly good: readonly Params[];
  /** Configurations that could not be carried over, with why (for the log). */
  readonly skipped: readonly string[];
}

export interface PlanOptions {
  readonly metaFeatures: TaskMetaFeatures;
  readonly family: string;
  readonly space: SearchSpace;
  readonly candidates: readonly PriorCandidate[];
  /** The family's default model: fills parameters a past configuration lacks, and is never repeated in the portfolio. */
  readonly fill?: Params;
  /** Names never used (the study itself, or the held-out task in a leave-one-out benchmark). */
  readonly exclude?: ReadonlySet<string>;
  /** Nearest tasks to learn from (default 3). */
  readonly neighbours?: number;
  /** Configurations tried first (default 3). */
  readonly portfolio?: number;
  /** Tasks farther than this are not neighbours (default 3: across the meta-feature scale, unlike). */
  readonly maxDistance?: number;
}

/**
 * The warm start for a new search (auto-sklearn's meta-learning, Feurer et al. 2015): the past
 * tasks of the same family, modality and target kind nearest in meta-features, a portfolio of
 * their distinct best configurations taken in turns (the nearest task's best, the next one's
 * best, ..., then each one's second), and all their good configurations for the sampler's prior.
 * A workspace task replaces a shipped one of the same name. Pure: same inputs, same plan.
 */
export function planWarmStart(options: PlanOptions): WarmStartPlan {
  const k = options.neighbours ?? 3;
  const size = options.portfolio ?? 3;
  const maxDistance = options.maxDistance ?? 3;
  const byName = new Map<string, PriorCandidate>();
  for (const c of options.candidates) if (!(byName.get(c.task.name)?.source === 'workspace' && c.source === 'shipped')) byName.set(c.task.name, c);
  const ranked = [...byName.values()]
    .filter((c) => c.task.family === options.family && !options.exclude?.has(c.task.name))
    .map((c) => ({ c, distance: taskDistance(options.metaFeatures, c.task.metaFeatures) }))
    .filter((r) => r.distance <= maxDistance)
    .sort((a, b) => a.distance - b.distance || a.c.task.name.localeCompare(b.c.task.name))
    .slice(0, k);

  const skipped: string[] = [];
  const adapted = ranked.map(({ c }) =>
    c.task.configs.flatMap((config) => {
      const result = adaptParams(options.space, config.params, options.fill);
      if (result.params === undefined) {
        skipped.push(`${c.task.label}: ${result.problem}`);
        return [];
      }
      return [result.params];
    }),
  );
  const seen = new Set<string>(options.fill ? [canonicalJson(options.fill)] : []);
  const portfolio: Params[] = [];
  for (let depth = 0; portfolio.length < size && adapted.some((a) => a.length > depth); depth++) {
    for (const configs of adapted) {
      const config = configs[depth];
      if (!config || portfolio.length >= size) continue;
      const key = canonicalJson(config);
      if (seen.has(key)) continue;
      seen.add(key);
      portfolio.push(config);
    }
  }
  return {
    neighbours: ranked.map(({ c, distance }) => ({
      name: c.task.name,
      label: c.task.label,
      source: c.source,
      distance: Math.round(distance * 1000) / 1000,
      bestError: Math.min(...c.task.configs.map((x) => x.error)),
      errorName: c.task.errorName,
    })),
    portfolio,
    good: adapted.flat(),
    skipped,
  };
}

/**
 * The time budget of one run (`budget.minutes`), split between its stages in one place, in
 * milliseconds and deadlines only.
 *
 * A stage may take its share of the total, and never more than the time left once what the
 * stages after it are owed is set aside: data preparation that ran long shortens the search,
 * not the final training or the evaluation. The shares:
 *
 *   search   0.60  the trials, in worker processes (large data: 0.20, trial-data-plan.ts)
 *   refit    0.30  the chosen model, retrained on train + validation: the least it gets; it
 *                  may take all the search left it (a search that ended early, or the short
 *                  search of large data, whose final training is what needs the time)
 *   trial    0.24  the most one trial may train: what its retrain could take (1.25x the examples)
 *   train    0.85  the one training of `search.enabled: false`
 *   tail     0.05  set aside for evaluation, reports and publishing, after the last training
 *   robustness 0.025  the attacks of the robustness step: half the tail, taken from it (the step
 *                   measures what it can in its time, the release gate's ε always; when the run
 *                   is ahead of its deadline, it may use what is left less the rest of the tail)
 *
 * Data preparation takes what it takes (it is cached and usually seconds): it is not given a
 * share, but the time it uses is counted, since every deadline is from the run's start.
 */
export type BudgetStage = 'search' | 'refit' | 'trial' | 'train' | 'robustness';

export const BUDGET_SHARES: Readonly<Record<BudgetStage | 'tail', number>> = Object.freeze({
  search: 0.6,
  refit: 0.3,
  trial: 0.3 / 1.25,
  train: 0.85,
  tail: 0.05,
  robustness: 0.025,
});

/** The stages that run after each one, whose shares it must leave time for. */
const OWED_AFTER: Readonly<Record<BudgetStage, readonly ('refit' | 'tail')[]>> = {
  search: ['refit', 'tail'],
  trial: ['refit', 'tail'],
  refit: ['tail'],
  train: ['tail'],
  // It runs within the tail: what is owed after it is the rest of the tail, not a share of its own.
  robustness: [],
};

export interface RunBudget {
  /** The whole budget, or undefined when the run has none (`budget.minutes` unset). */
  readonly totalMs: number | undefined;
  /** When the whole run should have ended (epoch ms of `now`'s clock). */
  readonly deadline: number | undefined;
  /**
   * The milliseconds `stage` may take if it starts now: its share of the total, cut to the time
   * left before the deadline less the shares of the stages after it (0 when none is left); for
   * `refit`, all the time left less the tail. Undefined without a budget.
   */
  msFor(stage: BudgetStage): number | undefined;
  /** Milliseconds since the run started. */
  elapsedMs(): number;
}

export interface RunBudgetOptions {
  /** When the run started, on `now`'s clock; default now. */
  readonly startedAt?: number;
  /** Milliseconds clock, injectable for tests; default Date.now. */
  readonly now?: () => number;
}

export function createRunBudget(minutes: number | undefined, options: RunBudgetOptions = {}): RunBudget {
  const now = options.now ?? Date.now;
  const startedAt = options.startedAt ?? now();
  const totalMs = minutes === undefined ? undefined : Math.round(minutes * 60_000);
  const deadline = totalMs === undefined ? undefined : startedAt + totalMs;
  return Object.freeze({
    totalMs,
    deadline,
    msFor(stage: BudgetStage): number | undefined {
      if (totalMs === undefined || deadline === undefined) return undefined;
      const owed = OWED_AFTER[stage].reduce((sum, s) => sum + BUDGET_SHARES[s] * totalMs, 0);
      const left = deadline - now() - owed;
      if (stage === 'refit') return Math.max(0, Math.round(left));
      return Math.max(0, Math.round(Math.min(BUDGET_SHARES[stage] * totalMs, left)));
    },
    elapsedMs: () => now() - startedAt,
  });
}

/** A stage's share of a budget of `minutes`, in milliseconds: what it may take when the run is on time. */
export function shareMs(stage: BudgetStage, minutes: number): number {
  return Math.round(BUDGET_SHARES[stage] * minutes * 60_000);
}

/** A run without a time budget. */
export const NO_BUDGET: RunBudget = createRunBudget(undefined);

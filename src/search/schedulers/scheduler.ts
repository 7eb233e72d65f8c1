import type { z } from 'zod';
import type { Direction, TrialRecord } from '../trial.ts';

/** What a scheduler is told after a trial reports an intermediate result. */
export interface SchedulerReport {
  /** The reporting trial; its `intermediate` already includes this report. */
  readonly trial: TrialRecord;
  readonly step: number;
  /** One value per objective, in the study's objective order. */
  readonly values: readonly number[];
  /** Every trial of the study (this one included), in creation order. */
  readonly trials: readonly TrialRecord[];
  readonly directions: readonly Direction[];
}

/**
 * Decides, after each report, whether a trial should stop early. It is a stop/continue
 * decision rather than a pause/promote one: a stopped trial is recorded as pruned and is never
 * resumed, so the study never holds checkpoints for paused trials, and a scheduler keeps no
 * state of its own: every decision is computed from the recorded trials, which makes it
 * survive a restart and lets several workers share one study. Every scheduler also honours
 * (and `schedulerConformance` checks): a trial with no other to compare with, or whose report
 * is better than every value recorded, is not stopped; failed trials are no evidence; a
 * non-finite value (a diverged trial) never ranks ahead of a finite one; maximising is
 * minimising the negated values.
 */
export interface Scheduler {
  readonly name: string;
  /** Whether it can rank trials of a study with several objectives. */
  readonly multiObjective: boolean;
  shouldStop(report: SchedulerReport): boolean;
}

/** A registry entry: `optionsSchema` validates options (task file or API) before `create` trusts them. */
export interface SchedulerEntry<O = unknown> {
  readonly name: string;
  readonly description: string;
  readonly optionsSchema: z.ZodType<O>;
  create(options: O): Scheduler;
}

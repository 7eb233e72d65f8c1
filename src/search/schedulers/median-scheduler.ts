import { z } from 'zod';
import type { Scheduler, SchedulerEntry } from './scheduler.ts';

const optionsSchema = z.strictObject({
  /** Steps before this one never stop a trial: early curves say little. */
  warmupSteps: z.number().int().min(0).default(0),
  /** Other trials that must have reported at the same step before the rule applies. */
  minTrials: z.number().int().min(1).default(5),
});

export type MedianOptions = z.infer<typeof optionsSchema>;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The median stopping rule: at step s ≥ warmupSteps, stop a trial whose best value so far is
 * strictly worse than the median of the values the other trials reported at step s (any trial
 * that got there, finished, pruned or still running — so it works asynchronously), once at least
 * minTrials of them did. Single-objective only: a median of vectors has no order.
 */
export const medianScheduler: SchedulerEntry<MedianOptions> = {
  name: 'median',
  description: 'median stopping rule: stop when the best so far is worse than the median of other trials at the same step',
  optionsSchema,
  create(options): Scheduler {
    return {
      name: 'median',
      multiObjective: false,
      shouldStop({ trial, step, trials, directions }) {
        if (step < options.warmupSteps) return false;
        const others: number[] = [];
        for (const t of trials) {
          if (t.id === trial.id || t.state === 'failed') continue;
          const v = t.intermediate?.find((r) => r.step === step);
          if (v && Number.isFinite(v.value)) others.push(v.value);
        }
        if (others.length < options.minTrials) return false;
        const mine = (trial.intermediate ?? []).filter((r) => r.step <= step).map((r) => r.value);
        if (mine.length === 0) return false;
        const threshold = median(others);
        return directions[0] === 'minimize' ? Math.min(...mine) > threshold : Math.max(...mine) < threshold;
      },
    };
  },
};

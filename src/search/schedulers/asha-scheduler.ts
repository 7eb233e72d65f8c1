import { z } from 'zod';
import { DeeplineError } from '../../errors/index.ts';
import type { IntermediateValue, TrialRecord } from '../trial.ts';
import { rungRank } from './rung-ranking.ts';
import type { Scheduler, SchedulerEntry } from './scheduler.ts';

const optionsSchema = z
  .strictObject({
    /** Resource (epochs, or data-fraction steps) at the first rung. */
    minResource: z.number().positive().default(1),
    /** Resource a trial that is never stopped runs to; no decision is taken at or past it. */
    maxResource: z.number().positive(),
    /** η: a trial continues past a rung only if it is in the top 1/η there. */
    reductionFactor: z.number().gt(1).default(3),
    /**
     * Objective indices trials are ranked on at a rung; default all. A study that records
     * (error, latency, size) but picks its model by error alone ranks on `[0]`, so a tiny model
     * is not kept running only because nothing is smaller.
     */
    rankOn: z.array(z.int().min(0)).min(1).optional(),
  })
  .refine((o) => o.maxResource >= o.minResource, { message: 'maxResource must be >= minResource' });

export type AshaOptions = z.infer<typeof optionsSchema>;

/** Rung resources minResource·η^k that lie below maxResource (the top needs no decision). */
export function ashaRungs(options: AshaOptions): number[] {
  const rungs: number[] = [];
  for (let r = options.minResource; r < options.maxResource; r *= options.reductionFactor) rungs.push(r);
  return rungs;
}

/**
 * The value a trial recorded at a rung: its first report at a step ≥ the rung's resource, so
 * trials that report on a coarser grid than the rungs still take part.
 */
function atRung(intermediate: readonly IntermediateValue[] | undefined, resource: number): IntermediateValue | undefined {
  return intermediate?.find((v) => v.step >= resource);
}

function vector(v: IntermediateValue, rankOn: readonly number[] | undefined): readonly number[] {
  const all = v.values ?? [v.value];
  return rankOn ? rankOn.map((k) => all[k]) : all;
}

/**
 * Asynchronous successive halving, in its stopping form. A trial whose report is its first at or
 * past rung k joins that rung; it continues only if it ranks in the top ⌊n/η⌋ of the n trials
 * recorded there so far (itself included) — and while fewer than η have been recorded, only if it
 * is the best so far, because a trial once stopped is never resumed, and letting everything
 * through early would waste the budget ASHA exists to save. Decisions use only the trials seen so
 * far, so no trial waits for another. With several objectives the rank is the non-dominated
 * rank, ties broken by crowding distance. A trial with a non-finite value at a rung ranks last there.
 */
export const ashaScheduler: SchedulerEntry<AshaOptions> = {
  name: 'asha',
  description: 'asynchronous successive halving: keep the top 1/η at each rung (Pareto rank with several objectives)',
  optionsSchema,
  create(options): Scheduler {
    const rungs = ashaRungs(options);
    return {
      name: 'asha',
      multiObjective: true,
      shouldStop({ trial, step, trials, directions }) {
        const rankOn = options.rankOn;
        if (rankOn?.some((k) => k >= directions.length)) {
          throw new DeeplineError('DL_INTERNAL', `asha rankOn [${rankOn.join(', ')}] names an objective the study does not have (it has ${directions.length})`);
        }
        const rankDirections = rankOn ? rankOn.map((k) => directions[k]) : directions;
        const previous = trial.intermediate?.filter((v) => v.step < step) ?? [];
        const lastBefore = previous.length > 0 ? Math.max(...previous.map((v) => v.step)) : -Infinity;
        // The rungs this report is the first to reach; normally one, several if steps skip rungs.
        const reached = rungs.filter((r) => step >= r && lastBefore < r);
        for (const resource of reached) {
          const competitors = trials.filter((t: TrialRecord) => t.id !== trial.id && t.state !== 'failed' && atRung(t.intermediate, resource));
          const mine = atRung(trial.intermediate, resource);
          if (!mine) continue;
          const theirs = competitors.map((t) => vector(atRung(t.intermediate, resource)!, rankOn));
          // A trial that diverged (a NaN or infinite value, recorded when the study stopped it)
          // lost at this rung: it counts towards the rung's size but ranks behind every finite
          // one. Ranked as is, NaN compares as a tie and -Infinity as the best, so a diverged
          // trial with a small model would sit on the Pareto front and push good trials out.
          const points = [vector(mine, rankOn), ...theirs.filter((v) => v.every(Number.isFinite))];
          const keep = Math.max(1, Math.floor((1 + theirs.length) / options.reductionFactor));
          if (rungRank(points, 0, rankDirections) >= keep) return true;
        }
        return false;
      },
    };
  },
};

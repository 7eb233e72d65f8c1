import { canonicalJson } from '../../store/canonical-json.ts';
import type { Params } from '../space.ts';
import type { Scheduler } from './scheduler.ts';

/**
 * `scheduler`, except that it never stops a trial of one of the `spared` configurations (matched
 * by params, not by trial number, so a retry after a kill is spared too). The spared trial still
 * reports its epochs, so it sets the bar the others are ranked against at each rung. The search
 * spares the configurations it was told to try first: they proved themselves over whole training
 * runs, and a few epochs on one fold say less than that.
 */
export function sparingTrials(scheduler: Scheduler | undefined, spared: readonly Params[]): Scheduler | undefined {
  if (!scheduler || spared.length === 0) return scheduler;
  const keys = new Set(spared.map((p) => canonicalJson(p)));
  return {
    name: scheduler.name,
    multiObjective: scheduler.multiObjective,
    shouldStop: (report) => !keys.has(canonicalJson(report.trial.params)) && scheduler.shouldStop(report),
  };
}

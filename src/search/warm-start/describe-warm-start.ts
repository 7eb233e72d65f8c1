import type { WarmStartSummary } from './warm-start-search.ts';

/** The warm start in one line per fact, for `deepline show` and the report: which past tasks seeded the search and how near they were. */
export function describeWarmStart(w: WarmStartSummary): string[] {
  if (!w.enabled) return ['warm start: off (search.prior: false); this task is recorded for later searches'];
  if (w.neighbours.length === 0) return ['warm start: no past task of this family and kind near enough; the search started cold'];
  const seeded = w.seededTrials.length > 0 ? `trial${w.seededTrials.length === 1 ? '' : 's'} ${w.seededTrials.join(', ')} ran their best configurations` : 'none of their configurations ran first';
  return [
    `warm start: from ${w.neighbours.length} past task${w.neighbours.length === 1 ? '' : 's'} (${seeded}; ${w.priorConfigs} good configurations in TPE's prior)`,
    ...w.neighbours.map((n) => `  ${n.label} (${n.source}) distance ${n.distance.toFixed(3)}, its best ${n.errorName} ${n.bestError.toPrecision(4)}`),
  ];
}

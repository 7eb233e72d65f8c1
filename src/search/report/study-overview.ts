import { formatDuration } from '../../render/format-duration.ts';
import type { StudySummary, StudySummaryTrial } from '../study-summary.ts';

/** How many trials ended each way; a rejected trial counts as rejected whatever its state. */
export interface StudyCounts {
  readonly total: number;
  readonly complete: number;
  readonly pruned: number;
  readonly failed: number;
  readonly rejected: number;
  /** Trials still marked running: the search was interrupted while they ran. */
  readonly running: number;
}

/** What the HTML and the terminal report both say about a study, worked out once. */
export interface StudyOverview {
  readonly counts: StudyCounts;
  /** `tpe + asha, 12 trials (8 complete, 3 pruned, 1 failed), 2 workers, 4m12s, best trial 7 after 2m03s` */
  readonly headline: string;
  /** Complete trials with a finite error, best (lowest error) first, ties by trial number. */
  readonly ranked: readonly StudySummaryTrial[];
}

export function studyOverview(summary: StudySummary): StudyOverview {
  const counts = countTrials(summary.trials);
  const parts = [`${counts.complete} complete`];
  if (counts.pruned) parts.push(`${counts.pruned} pruned`);
  if (counts.failed) parts.push(`${counts.failed} failed`);
  if (counts.rejected) parts.push(`${counts.rejected} rejected`);
  if (counts.running) parts.push(`${counts.running} interrupted`);
  let headline = `${summary.sampler} + ${summary.scheduler}, ${plural(counts.total, 'trial')} (${parts.join(', ')}), ${plural(summary.workers, 'worker')}, ${formatDuration(summary.durationMs)}`;
  if (summary.trialData) headline += `, trials on ${count(summary.trialData.train)} of ${count(summary.trialData.of.train)} training examples`;
  if (summary.best) {
    headline += `, best trial ${summary.best.trialId}`;
    if (summary.timeToBestMs !== undefined) headline += ` after ${formatDuration(summary.timeToBestMs)}`;
  } else {
    headline += ', no trial completed';
  }
  const ranked = summary.trials
    .filter((t) => t.state === 'complete' && !t.rejected && Number.isFinite(t.values?.[0]))
    .sort((a, b) => a.values![0] - b.values![0] || a.number - b.number);
  return { counts, headline, ranked };
}

function countTrials(trials: readonly StudySummaryTrial[]): StudyCounts {
  const counts = { total: trials.length, complete: 0, pruned: 0, failed: 0, rejected: 0, running: 0 };
  for (const t of trials) {
    if (t.rejected) counts.rejected += 1;
    else counts[t.state === 'complete' ? 'complete' : t.state === 'pruned' ? 'pruned' : t.state === 'failed' ? 'failed' : 'running'] += 1;
  }
  return counts;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Milliseconds from start to end of a trial; undefined while it has no end. */
export function trialDurationMs(t: StudySummaryTrial): number | undefined {
  if (!t.endedAt) return undefined;
  const ms = Date.parse(t.endedAt) - Date.parse(t.startedAt);
  return Number.isFinite(ms) ? ms : undefined;
}

/** A parameter value short enough for a table cell: numbers to 3 significant digits, JSON otherwise. */
export function formatParamValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? String(v);
}

/** `name=value` pairs joined by spaces, cut to `max` characters with an ellipsis. */
export function abbreviateParams(params: Readonly<Record<string, unknown>>, max: number): string {
  const text = Object.entries(params).map(([k, v]) => `${k}=${formatParamValue(v)}`).join(' ');
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

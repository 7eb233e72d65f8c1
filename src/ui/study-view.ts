import { paretoFront } from '../search/pareto.ts';
import { searchStudyName } from '../search/study-name.ts';
import type { StudySummary } from '../search/study-summary.ts';
import { deriveSeed } from '../seed/derive-seed.ts';
import type { RunDetail, StepRecord } from '../store/metadata/metadata-store.ts';
import type { StoredTrial, StudyRecord } from '../store/metadata/study-store.ts';
import type { BestSoFarPoint, StudyView, TrialView, UiTrialState } from './api-types.ts';
import { IMPORTANCE_METHOD, paramImportances } from './param-importance.ts';

/** A run's last search step (a resumed run may have a failed one before it). */
export function searchStepOf(detail: RunDetail): StepRecord | undefined {
  return detail.steps.filter((s) => s.name === 'search').at(-1);
}

/**
 * The study a run's search step works on, from the step's record alone — its params, its inputs
 * as recorded in the lineage (in the order the step names them) and the run's seed — the way the
 * search step names it. So a study is found while its step runs, before any summary exists.
 */
export function studyNameOf(detail: RunDetail): string | undefined {
  const step = searchStepOf(detail);
  const seed = (detail.run.spec as { seed?: unknown } | null)?.seed;
  if (!step || typeof seed !== 'number') return undefined;
  const inputs = detail.lineage.filter((e) => e.stepId === step.id && e.direction === 'input').map((e) => e.artifactHash);
  return searchStudyName(step.params, inputs, deriveSeed(seed, 'search'));
}

/** A trial's state as shown: a trial refused before training is `rejected`, whatever its stored state. */
export function trialState(t: StoredTrial): UiTrialState {
  return t.rejectedFor !== undefined ? 'rejected' : t.state;
}

const finite = (v: number | undefined): number | null | undefined => (v === undefined ? undefined : Number.isFinite(v) ? v : null);

export function trialView(t: StoredTrial, now: number): TrialView {
  const values = t.values ?? (t.value !== undefined ? [t.value] : undefined);
  const end = t.endedAt === undefined ? now : Date.parse(t.endedAt);
  return {
    id: t.id,
    number: t.number,
    state: trialState(t),
    params: t.params,
    ...(values && { values: values.map((v) => finite(v) ?? null), error: finite(values[0]) ?? null }),
    ...(values && values.length > 1 && { latencyMs: finite(values[1]) ?? null }),
    ...(values && values.length > 2 && { paramCount: finite(values[2]) ?? null }),
    intermediate: (t.intermediate ?? []).map((r) => ({ epoch: r.step, values: (r.values ?? [r.value]).map((v) => finite(v) ?? null) })),
    startedAt: t.startedAt,
    ...(t.endedAt !== undefined && { endedAt: t.endedAt }),
    durationMs: Math.max(0, end - Date.parse(t.startedAt)),
    ...(t.error !== undefined && { message: t.error }),
    ...(t.rejectedFor !== undefined && { rejectedFor: t.rejectedFor }),
    ...(t.retryOf !== undefined && { retryOf: t.retryOf }),
    ...(t.interrupted && { interrupted: true }),
  };
}

/** The best error of a complete trial, if any, and how many trials have finished. */
export function studyProgress(trials: readonly StoredTrial[]): { finished: number; best?: number } {
  let best: number | undefined;
  for (const t of trials) {
    const error = t.values?.[0] ?? t.value;
    if (trialState(t) === 'complete' && error !== undefined && Number.isFinite(error) && (best === undefined || error < best)) best = error;
  }
  return { finished: trials.filter((t) => t.state !== 'running').length, ...(best !== undefined && { best }) };
}

/**
 * Everything the Search page draws, computed from the study's trials as stored: states, the
 * best-so-far curve, the Pareto front over every objective, parameter importances for the error.
 * The summary (written when the search step finishes) adds what only the step knew.
 */
export function buildStudyView(
  study: StudyRecord,
  trials: readonly StoredTrial[],
  options: { readonly runId?: string; readonly live: boolean; readonly summary?: StudySummary; readonly now: number },
): StudyView {
  const views = trials.map((t) => trialView(t, options.now));
  const counts: Record<UiTrialState, number> = { complete: 0, pruned: 0, rejected: 0, failed: 0, running: 0 };
  for (const v of views) counts[v.state]++;
  const complete = views.filter((v) => v.state === 'complete' && typeof v.error === 'number');
  const bestSoFar: BestSoFarPoint[] = [];
  let best: { trialId: number; number: number; error: number } | undefined;
  for (const v of [...complete].sort((a, b) => a.number - b.number)) {
    const error = v.error as number;
    if (!best || error < best.error) best = { trialId: v.id, number: v.number, error };
    bestSoFar.push({ number: v.number, trialId: v.id, error, best: best.error });
  }
  const directions = study.objectives.map((o) => o.direction);
  const scored = complete.filter((v) => v.values && v.values.length === directions.length && v.values.every((x) => x !== null));
  const front = paretoFront(scored.map((v) => v.values as number[]), directions).map((i) => scored[i]!.id);
  const paramNames = [...new Set(views.flatMap((v) => Object.keys(v.params)))];
  const { summary } = options;
  return {
    name: study.name,
    ...(options.runId !== undefined && { runId: options.runId }),
    live: options.live,
    objectives: study.objectives.map((o) => ({ name: o.name, direction: o.direction })),
    ...(summary && { errorName: summary.errorName, family: summary.family, sampler: summary.sampler, scheduler: summary.scheduler }),
    createdAt: study.createdAt,
    trials: views,
    counts,
    finished: views.length - counts.running,
    ...(best && { best }),
    ...(summary?.best && { chosenTrialId: summary.best.trialId }),
    bestSoFar,
    paretoFront: front.sort((a, b) => a - b),
    importances: paramImportances(complete.map((v) => ({ params: v.params, value: v.error as number }))),
    importanceMethod: IMPORTANCE_METHOD,
    paramNames,
  };
}

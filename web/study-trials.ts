import type { Params } from '../src/search/space.ts';
import type { StudySummaryTrial } from '../src/search/study-summary.ts';
import type { StudyChartInput } from '../src/search/report/study-chart-options.ts';
import type { StudyView, TrialView } from '../src/ui/api-types.ts';

const num = (v: number | null | undefined): number => (v === null || v === undefined ? Number.NaN : v);

/** An API trial in the shape the report's study charts read (a rejected trial is a failed one marked rejected, as stored). */
export function summaryTrial(t: TrialView): StudySummaryTrial {
  return {
    id: t.id,
    number: t.number,
    state: t.state === 'rejected' ? 'failed' : t.state,
    params: t.params as Params,
    ...(t.values && { values: t.values.map(num) }),
    curve: t.intermediate.map((c) => ({ epoch: c.epoch, values: c.values.map(num) })),
    startedAt: t.startedAt,
    ...(t.endedAt !== undefined && { endedAt: t.endedAt }),
    ...(t.message !== undefined && { error: t.message }),
    ...(t.state === 'rejected' && { rejected: true }),
    ...(t.retryOf !== undefined && { retryOf: t.retryOf }),
  };
}

/** What the Search page's charts draw: the same builders as the report's Search section. */
export function studyChartInput(view: StudyView): StudyChartInput {
  return {
    errorName: view.errorName ?? 'error',
    trials: view.trials.map(summaryTrial),
    paretoFront: view.paretoFront,
    ...(view.chosenTrialId !== undefined && { bestId: view.chosenTrialId }),
  };
}

import { useMemo, useRef, useState } from 'preact/hooks';
import { bestSoFarOption, importanceOption, parallelParamsOption, paretoOption, topCurvesOption } from '../../src/search/report/study-chart-options.ts';
import type { StudyView, UiEvent } from '../../src/ui/api-types.ts';
import { api } from '../api.ts';
import { Chart } from '../components/chart.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { Loading } from '../components/loading.tsx';
import { TrialsTable } from '../components/trials-table.tsx';
import { formatNumber, formatTime, shortRunId } from '../format.ts';
import { useLiveEvents } from '../live.ts';
import { href } from '../router.ts';
import { studyChartInput } from '../study-trials.ts';
import { useResource } from '../use-resource.ts';

/**
 * A search, live while it runs: every finished trial moves the counters at once (from the event)
 * and refetches the study for the table and charts: best so far, Pareto front of error, latency
 * and size, parameters in parallel coordinates, the top trials' curves and parameter importances.
 */
export function SearchPage({ runId, study }: { runId?: string; study?: string }) {
  // A run is asked first whether it has a search, so a run without one costs no failing request.
  const found = useResource<{ view?: StudyView }>(async () => (runId ? ((await api.run(runId)).run.hasSearch ? { view: await api.runStudy(runId) } : {}) : { view: await api.study(study!) }), [runId, study]);
  const view = { ...found, data: found.data?.view };
  const [live, setLive] = useState<{ finished: number; best?: number } | undefined>();
  const pending = useRef<number | undefined>(undefined);
  const name = view.data?.name ?? study;
  const onEvent = (event: UiEvent): void => {
    if (event.type === 'trial-finished') setLive((l) => ({ finished: Math.max(event.finished, l?.finished ?? 0), best: event.best ?? l?.best }));
    // step-started: a run that had no study yet may just have started its search.
    if (event.type === 'trial-finished' || event.type === 'trial-started' || event.type === 'trial-progress' || event.type === 'run-finished' || event.type === 'step-started' || event.type === 'step-finished') {
      if (pending.current === undefined) pending.current = window.setTimeout(() => ((pending.current = undefined), view.reload()), 200);
    }
  };
  useLiveEvents(name ? { study: name } : runId ? { run: runId } : undefined, onEvent, view.reload);
  if (view.error) return <ErrorMessage error={view.error} retry={view.reload} />;
  if (found.loading) return <Loading what="the search" />;
  if (!view.data) {
    return (
      <EmptyState title="No search in this run">
        It trained one model; runs with a search are tagged <em>search</em> on the <a href="#/runs">Runs</a> page. <a href={href('runs', runId ?? '')}>Back to the run</a>.
      </EmptyState>
    );
  }
  return <Study view={view.data} live={live} />;
}

function Study({ view, live }: { view: StudyView; live?: { finished: number; best?: number } }) {
  const input = useMemo(() => studyChartInput(view), [view]);
  const charts = useMemo(() => {
    const scored = input.trials.filter((t) => Number.isFinite(t.values?.[0]));
    const complete = scored.filter((t) => t.state === 'complete' && !t.rejected);
    return {
      bestSoFar: complete.length > 0 ? bestSoFarOption(input) : undefined,
      pareto: complete.length > 0 ? paretoOption(input) : undefined,
      parallel: scored.length > 0 && view.paramNames.length > 0 ? parallelParamsOption(input) : undefined,
      curves: complete.some((t) => t.curve.length > 0) ? topCurvesOption(input) : undefined,
      importance: complete.length >= 3 ? importanceOption(input) : undefined,
    };
  }, [input, view.paramNames.length]);
  // The event can be ahead of the last fetch; never show fewer than the study itself says.
  const finished = Math.max(view.finished, live?.finished ?? 0);
  const best = view.best?.error !== undefined && live?.best !== undefined ? Math.min(view.best.error, live.best) : (view.best?.error ?? live?.best);
  const front = useMemo(() => new Set(view.paretoFront), [view.paretoFront]);
  const errorName = view.errorName ?? 'error';
  return (
    <section aria-labelledby="search-title" data-study={view.name}>
      <div class="page-head">
        <div>
          <h1 id="search-title">
            Search <code>{view.name}</code> {view.live && <span class="badge badge-running">live</span>}
          </h1>
          <p class="sub">
            {[view.family && `family ${view.family}`, view.sampler && `sampler ${view.sampler}`, view.scheduler && `scheduler ${view.scheduler}`, `created ${formatTime(view.createdAt)}`].filter(Boolean).join(' · ')}
            {view.runId && (
              <>
                {' '}
                · run <a href={href('runs', view.runId)}>{shortRunId(view.runId)}</a>
              </>
            )}
          </p>
        </div>
      </div>
      <dl class="cards" aria-live="polite">
        <div class="card">
          <dt>trials finished</dt>
          <dd data-figure="finished">{finished}</dd>
        </div>
        <div class="card">
          <dt>best {errorName}</dt>
          <dd data-figure="best">{formatNumber(best)}</dd>
        </div>
        {(['complete', 'pruned', 'rejected', 'failed', 'running'] as const).map((s) => (
          <div class="card small" key={s}>
            <dt>{s}</dt>
            <dd data-figure={`count-${s}`}>{view.counts[s]}</dd>
          </div>
        ))}
      </dl>
      {view.trials.length === 0 ? (
        <EmptyState title="No trial has started yet">Trials appear here as the search starts them.</EmptyState>
      ) : (
        <>
          <div class="charts">
            {charts.bestSoFar ? <Chart option={charts.bestSoFar} /> : <EmptyState title="No complete trial yet" />}
            {charts.pareto && <Chart option={charts.pareto} />}
          </div>
          {charts.parallel && <Chart option={charts.parallel} height={340} />}
          <div class="charts">
            {charts.curves && <Chart option={charts.curves} />}
            {charts.importance ? <Chart option={charts.importance} /> : <EmptyState title="Parameter importance needs 3 complete trials" />}
          </div>
          <h2>Trials</h2>
          <TrialsTable trials={view.trials} errorName={errorName} front={front} chosen={view.chosenTrialId} />
        </>
      )}
    </section>
  );
}

import { useMemo, useState } from 'preact/hooks';
import { comparedCurvesOption } from '../../src/evaluate/charts/learning-curve-options.ts';
import { api } from '../api.ts';
import { Chart } from '../components/chart.tsx';
import { CompareTable } from '../components/compare-table.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { Loading } from '../components/loading.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatNumber, shortRunId } from '../format.ts';
import { href } from '../router.ts';
import { trainingHistory } from '../run-curves.ts';
import { useResource } from '../use-resource.ts';

/** Two or more runs side by side: params and metrics with the differing ones highlighted, learning curves overlaid. */
export function ComparePage({ ids }: { ids: readonly string[] }) {
  const [onlyDiffering, setOnlyDiffering] = useState(false);
  const view = useResource(() => api.compare(ids), [ids.join(',')]);
  const charts = useMemo(() => {
    if (!view.data) return undefined;
    const histories = view.data.runs.map((r, i) => ({ run: r, h: trainingHistory(view.data!.curves[i] ?? []) }));
    const withCurves = histories.filter((x) => x.h !== undefined);
    if (withCurves.length === 0) return undefined;
    const metricName = withCurves[0]!.h!.metricName;
    const runs = withCurves.map(({ run, h }) => ({ name: `${run.name} ${shortRunId(run.id)}`, history: h!.history }));
    return { metric: comparedCurvesOption(metricName, runs, 'valMetric'), loss: comparedCurvesOption(metricName, runs, 'valLoss') };
  }, [view.data]);
  if (ids.length < 2) return <EmptyState title="Select two or more runs to compare">Tick them on the <a href="#/runs">Runs</a> page.</EmptyState>;
  if (view.error) return <ErrorMessage error={view.error} retry={view.reload} />;
  if (!view.data) return <Loading what="the comparison" />;
  const { runs, params, metrics } = view.data;
  const differing = params.filter((p) => p.differs).length;
  return (
    <section aria-labelledby="compare-title">
      <div class="page-head">
        <h1 id="compare-title">Compare {runs.length} runs</h1>
        <label class="toggle">
          <input type="checkbox" checked={onlyDiffering} onChange={(e) => setOnlyDiffering((e.target as HTMLInputElement).checked)} /> only rows that differ
        </label>
      </div>
      <ul class="compare-runs">
        {runs.map((r) => (
          <li key={r.id}>
            <a href={href('runs', r.id)}>{r.name}</a> <span class="sub">{shortRunId(r.id)}</span> <StatusBadge status={r.status} /> {r.metric && <span>{r.metric.name} {formatNumber(r.metric.value)}</span>}
          </li>
        ))}
      </ul>
      <p class="legend" data-legend="differs">
        <span class="swatch differs" aria-hidden="true" /> Highlighted rows differ between the runs ({differing} param{differing === 1 ? '' : 's'} differ).
      </p>
      <h2>Learning curves</h2>
      {charts ? (
        <div class="charts">
          <Chart option={charts.metric} />
          <Chart option={charts.loss} />
        </div>
      ) : (
        <EmptyState title="None of these runs logged training curves" />
      )}
      <div>
        <section aria-labelledby="compare-params">
          <h2 id="compare-params">Params</h2>
          <CompareTable caption="Params of each run" runs={runs} rows={params} onlyDiffering={onlyDiffering} />
        </section>
        <section aria-labelledby="compare-metrics">
          <h2 id="compare-metrics">Metrics</h2>
          <CompareTable caption="Final metrics of each run" runs={runs} rows={metrics} onlyDiffering={onlyDiffering} />
        </section>
      </div>
    </section>
  );
}

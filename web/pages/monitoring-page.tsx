import { useMemo } from 'preact/hooks';
import type { MonitoringModelView } from '../../src/ui/api-types.ts';
import { api } from '../api.ts';
import { driftOverTimeOption, featureDriftOption, servingPerMinuteOptions } from '../charts/monitoring-options.ts';
import { Chart } from '../components/chart.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { Loading } from '../components/loading.tsx';
import { formatNumber, formatTime } from '../format.ts';
import { useResource } from '../use-resource.ts';

/** Every monitored or logged model: drift over time, per-feature drift in the latest check, serving metrics from the prediction log. */
export function MonitoringPage() {
  const view = useResource(() => api.monitoring(), []);
  if (view.error) return <ErrorMessage error={view.error} retry={view.reload} />;
  if (!view.data) return <Loading what="monitoring" />;
  return (
    <section aria-labelledby="monitoring-title">
      <div class="page-head">
        <h1 id="monitoring-title">Monitoring</h1>
        <button type="button" onClick={view.reload}>
          Refresh
        </button>
      </div>
      {view.data.models.length === 0 ? (
        <EmptyState title="Nothing monitored yet">
          Serve a model with <code>deepline serve --log</code> and check it with <code>deepline monitor</code>; its drift and serving metrics appear here.
        </EmptyState>
      ) : (
        view.data.models.map((m) => <MonitoredModel key={m.model} model={m} />)
      )}
    </section>
  );
}

function MonitoredModel({ model }: { model: MonitoringModelView }) {
  const latest = model.checks[model.checks.length - 1];
  const charts = useMemo(
    () => ({
      drift: model.checks.length > 0 ? driftOverTimeOption(model.checks) : undefined,
      features: latest ? featureDriftOption(latest) : undefined,
      serving: model.serving && model.serving.perMinute.length > 0 ? servingPerMinuteOptions(model.serving) : undefined,
    }),
    [model, latest],
  );
  const s = model.serving;
  return (
    <article class="monitored" aria-labelledby={`mon-${model.model}`} data-model={model.model}>
      <h2 id={`mon-${model.model}`}>{model.model}</h2>
      <h3>Drift</h3>
      {latest ? (
        <>
          <p class={latest.drift ? 'state-error' : 'state-ok'} data-figure="drift-latest">
            Latest check ({formatTime(latest.to)}, {latest.window} predictions): {latest.drift ? `drift in ${latest.drifted.join(', ')}` : 'no drift'} · alpha {latest.alpha}, {latest.correction}
            {latest.reportUrl && (
              <>
                {' '}
                · <a href={latest.reportUrl} target="_blank" rel="noopener">drift report</a>
              </>
            )}
          </p>
          <div class="charts">
            {charts.drift && <Chart option={charts.drift} />}
            {charts.features && <Chart option={charts.features} height={Math.max(200, 40 + latest.features.length * 24)} />}
          </div>
          <table class="features">
            <caption class="visually-hidden">Per-feature tests of the latest check</caption>
            <thead>
              <tr>
                <th scope="col">feature</th>
                <th scope="col">kind</th>
                <th scope="col">test</th>
                <th scope="col" class="num">
                  statistic
                </th>
                <th scope="col" class="num">
                  p (corrected)
                </th>
                <th scope="col">drift</th>
              </tr>
            </thead>
            <tbody>
              {latest.features.map((f) => (
                <tr key={f.feature} class={f.drift ? 'drifted' : undefined}>
                  <th scope="row">{f.feature}</th>
                  <td>{f.kind}</td>
                  <td>{f.detector}</td>
                  <td class="num">{formatNumber(f.statistic)}</td>
                  <td class="num">{formatNumber(f.adjustedPValue ?? f.pValue)}</td>
                  <td>{f.drift ? 'drift' : 'ok'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <EmptyState title="No drift check yet">
          Run <code>deepline monitor {model.model}</code>.
        </EmptyState>
      )}
      <h3>Serving</h3>
      {s ? (
        <>
          <dl class="cards">
            <div class="card">
              <dt>predictions read</dt>
              <dd>{s.records}</dd>
            </div>
            <div class="card">
              <dt>latency p50 / p95 / p99</dt>
              <dd>
                {formatNumber(s.latencyMs.p50, 2)} / {formatNumber(s.latencyMs.p95, 2)} / {formatNumber(s.latencyMs.p99, 2)} ms
              </dd>
            </div>
            <div class="card">
              <dt>versions answering</dt>
              <dd>
                {Object.entries(s.versions)
                  .map(([v, n]) => `${v || 'unversioned'}: ${n}`)
                  .join(', ')}
              </dd>
            </div>
          </dl>
          {charts.serving && (
            <div class="charts">
              <Chart option={charts.serving.count} />
              <Chart option={charts.serving.latency} />
            </div>
          )}
        </>
      ) : (
        <EmptyState title="No prediction log">
          Serve with <code>deepline serve --log</code> to record predictions.
        </EmptyState>
      )}
    </article>
  );
}

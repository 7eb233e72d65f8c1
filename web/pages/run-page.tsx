import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import { learningCurveOptions } from '../../src/evaluate/charts/learning-curve-options.ts';
import type { RunDetailView } from '../../src/ui/api-types.ts';
import { api } from '../api.ts';
import { Chart } from '../components/chart.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { KeyValueTable } from '../components/key-value-table.tsx';
import { LineageFlow } from '../components/lineage-flow.tsx';
import { Loading } from '../components/loading.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { StepTimeline } from '../components/step-timeline.tsx';
import { formatBytes, formatDuration, formatNumber, formatTime, shortHash } from '../format.ts';
import { useLiveEvents } from '../live.ts';
import { href } from '../router.ts';
import { trainingHistory } from '../run-curves.ts';
import { useResource } from '../use-resource.ts';

/** One run: steps on a timeline, params, metrics, learning curves, artifacts, lineage, reports. Live while it runs. */
export function RunPage({ id }: { id: string }) {
  const run = useResource(() => api.run(id), [id]);
  const pending = useRef<number | undefined>(undefined);
  useLiveEvents({ run: id }, (event) => {
    if (event.type === 'hello' || event.type.startsWith('trial-') || event.type === 'models-changed') return;
    if (pending.current === undefined) pending.current = window.setTimeout(() => ((pending.current = undefined), run.reload()), 250);
  }, run.reload);
  if (run.error) return <ErrorMessage error={run.error} retry={run.reload} />;
  if (!run.data) return <Loading what={`run ${id}`} />;
  return <RunDetail detail={run.data} />;
}

function RunDetail({ detail }: { detail: RunDetailView }) {
  const { run, links } = detail;
  const [deleting, setDeleting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const cancel = useCallback(() => (setDeleting(false), setFailure(undefined)), []);
  const remove = async (token: string): Promise<void> => {
    setBusy(true);
    setFailure(undefined);
    try {
      await api.deleteRun(run.id, token);
      window.location.hash = href('runs');
    } catch (e) {
      setFailure((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const curves = useMemo(() => {
    const h = trainingHistory(detail.curves);
    return h && { ...learningCurveOptions({ history: h.history, metricName: h.metricName, bestEpoch: 0 }), models: h.models };
  }, [detail.curves]);
  const params = Object.entries(detail.params).sort(([a], [b]) => a.localeCompare(b));
  const metrics = detail.metrics.filter((m) => !detail.curves.some((c) => c.step === m.step && c.key === m.key)).map((m) => [`${m.step}/${m.key}`, m.value] as const);
  return (
    <article aria-labelledby="run-title" data-run={run.id}>
      <div class="page-head">
        <div>
          <h1 id="run-title">
            {run.name} <StatusBadge status={run.status} />
          </h1>
          <p class="sub">
            run <code>{run.id}</code> · {run.taskType} · started {formatTime(run.startedAt)}
            {run.taskFile && (
              <>
                {' '}
                · <code>{run.taskFile}</code>
              </>
            )}
          </p>
        </div>
        <nav class="links" aria-label="more about this run">
          {links.report && (
            <a class="button" href={links.report} target="_blank" rel="noopener">
              Run report
            </a>
          )}
          {links.dataReport && (
            <a class="button" href={links.dataReport} target="_blank" rel="noopener">
              Data report
            </a>
          )}
          {run.hasSearch && (
            <a class="button" href={href('runs', run.id, 'search')}>
              Search
            </a>
          )}
          {(links.compression || links.security) && (
            <a class="button" href={href('runs', run.id, 'compression')}>
              Compression &amp; security
            </a>
          )}
          {detail.actionsAllowed && run.status !== 'running' && (
            <button type="button" class="danger" data-action="delete-run" onClick={() => setDeleting(true)}>
              Delete run
            </button>
          )}
        </nav>
      </div>
      {deleting && (
        <ConfirmDialog
          request={{
            title: `Delete run ${run.name} (${run.id})?`,
            message: 'Its record, steps, params, metrics and lineage are deleted. Artifacts, its output folder and registered models stay.',
            confirmLabel: 'Delete run',
            askReason: false,
          }}
          busy={busy}
          {...(failure !== undefined && { error: failure })}
          onConfirm={(_reason, token) => void remove(token)}
          onCancel={cancel}
        />
      )}
      {run.error && (
        <p class="state-error" role="alert">
          {run.error}
        </p>
      )}
      <dl class="cards">
        <div class="card">
          <dt>{run.metric ? `test ${run.metric.name}` : 'metric'}</dt>
          <dd data-figure="metric">{formatNumber(run.metric?.value)}</dd>
        </div>
        <div class="card">
          <dt>duration</dt>
          <dd data-figure="duration">{run.durationMs === undefined ? '–' : formatDuration(run.durationMs)}</dd>
        </div>
        <div class="card">
          <dt>engine</dt>
          <dd data-figure="engine">{run.engine ?? '–'}</dd>
        </div>
        <div class="card">
          <dt>steps (cache hits)</dt>
          <dd data-figure="steps">
            {run.steps} ({run.cachedSteps})
          </dd>
        </div>
        <div class="card">
          <dt>data version</dt>
          <dd data-figure="data-version">
            <code title={run.dataVersion}>{shortHash(run.dataVersion)}</code>
          </dd>
        </div>
      </dl>

      <h2>Steps</h2>
      {detail.steps.length === 0 ? <EmptyState title="No step has started yet" /> : <StepTimeline steps={detail.steps} />}

      <h2>Learning curves</h2>
      {curves?.models !== undefined && <p class="sub">The final model averages {curves.models} models; these are the first one's curves.</p>}
      {curves ? (
        <div class="charts">
          <Chart option={curves.loss} />
          <Chart option={curves.metric} />
        </div>
      ) : (
        <EmptyState title="No training curves yet">The train step logs loss and the validation metric per epoch.</EmptyState>
      )}

      <div class="columns">
        <section aria-labelledby="metrics-title">
          <h2 id="metrics-title">Metrics</h2>
          {metrics.length === 0 ? <EmptyState title="No metrics logged yet" /> : <KeyValueTable caption="Last value of each metric, by step" rows={metrics} keyLabel="step/metric" />}
        </section>
        <section aria-labelledby="params-title">
          <h2 id="params-title">Params</h2>
          {params.length === 0 ? <EmptyState title="No params recorded" /> : <KeyValueTable caption="The run's settings" rows={params} keyLabel="param" />}
        </section>
      </div>

      <h2>Lineage</h2>
      <LineageFlow lineage={detail.lineage} steps={detail.steps} />

      <h2>Artifacts</h2>
      {detail.artifacts.length === 0 ? (
        <EmptyState title="No artifacts yet" />
      ) : (
        <div class="scroll">
          <table class="artifacts">
            <caption class="visually-hidden">Artifacts written or read by this run, with download links</caption>
            <thead>
              <tr>
                <th scope="col">name</th>
                <th scope="col">kind</th>
                <th scope="col" class="num">
                  size
                </th>
                <th scope="col">hash</th>
                <th scope="col">download</th>
              </tr>
            </thead>
            <tbody>
              {detail.artifacts.map((a) => (
                <tr key={a.hash} data-artifact={a.hash}>
                  <th scope="row">{a.names.join(', ')}</th>
                  <td>{a.kind}</td>
                  <td class="num">{formatBytes(a.size)}</td>
                  <td>
                    <code title={a.hash}>{shortHash(a.hash)}</code>
                  </td>
                  <td>
                    <a href={a.url} download={a.kind === 'dir' ? undefined : ''} aria-label={`download ${a.names[0] ?? a.hash}`}>
                      {a.kind === 'dir' ? 'files' : 'download'}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}

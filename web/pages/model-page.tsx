import { useCallback, useState } from 'preact/hooks';
import type { ModelDetailView, ModelVersionView, UiStage } from '../../src/ui/api-types.ts';
import { api } from '../api.ts';
import { ConfirmDialog, type ConfirmRequest } from '../components/confirm-dialog.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { Loading } from '../components/loading.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatBytes, formatNumber, formatTime, shortRunId } from '../format.ts';
import { useLiveEvents } from '../live.ts';
import { href } from '../router.ts';
import { useResource } from '../use-resource.ts';

type Action = { readonly kind: 'promote'; readonly version: number; readonly stage: Exclude<UiStage, 'none'> } | { readonly kind: 'rollback' };

/**
 * One model: its versions with stage, metrics, gates and size, and the history of stage changes.
 * Promote and roll back (each behind a confirmation) only when the server allows actions; otherwise
 * the buttons are not there at all.
 */
export function ModelPage({ name }: { name: string }) {
  const model = useResource(() => api.model(name), [name]);
  const [action, setAction] = useState<Action>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const [done, setDone] = useState<string>();
  useLiveEvents({}, (event) => event.type === 'models-changed' && model.reload(), model.reload);
  const cancel = useCallback(() => (setAction(undefined), setFailure(undefined)), []);
  if (model.error) return <ErrorMessage error={model.error} retry={model.reload} />;
  if (!model.data) return <Loading what={`model ${name}`} />;
  const detail: ModelDetailView = model.data;
  const { versions } = detail.model;
  const confirm = async (reason: string, token: string): Promise<void> => {
    if (!action) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const result =
        action.kind === 'promote'
          ? await api.promote(name, { version: action.version, stage: action.stage, ...(reason && { reason }) }, token)
          : await api.rollback(name, { ...(reason && { reason }) }, token);
      setDone(`v${result.version} is now ${result.stage}${result.replaced !== undefined ? ` (replacing v${result.replaced})` : ''}.`);
      setAction(undefined);
      model.reload();
    } catch (e) {
      setFailure((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const request: ConfirmRequest | undefined =
    action?.kind === 'promote'
      ? { title: `Promote ${name} v${action.version} to ${action.stage}?`, message: `Servers following the ${action.stage} alias switch to v${action.version}. Release gates are checked.`, confirmLabel: `Promote to ${action.stage}` }
      : action?.kind === 'rollback'
        ? { title: `Roll back ${name} in production?`, message: `Production goes back to the version it had before v${detail.model.production ?? '?'}.`, confirmLabel: 'Roll back' }
        : undefined;
  const metricNames = [...new Set(versions.flatMap((v) => Object.keys(v.metrics)))].sort();
  return (
    <section aria-labelledby="model-title" data-model={name}>
      <div class="page-head">
        <div>
          <h1 id="model-title">{name}</h1>
          <p class="sub">
            production {detail.model.production === undefined ? 'none' : `v${detail.model.production}`} · staging {detail.model.staging === undefined ? 'none' : `v${detail.model.staging}`} · <a href="#/models">all models</a>
          </p>
        </div>
        {detail.actionsAllowed && detail.model.production !== undefined && (
          <button type="button" class="danger" data-action="rollback" onClick={() => setAction({ kind: 'rollback' })}>
            Roll back production
          </button>
        )}
      </div>
      {done && (
        <p class="state-ok" role="status">
          {done}
        </p>
      )}
      <div class="scroll">
        <table class="versions">
          <caption>Versions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">version</th>
              <th scope="col">stage</th>
              {metricNames.map((m) => (
                <th scope="col" class="num" key={m}>
                  {m}
                </th>
              ))}
              <th scope="col">gates</th>
              <th scope="col" class="num">
                size
              </th>
              <th scope="col">run</th>
              <th scope="col">registered</th>
              {detail.actionsAllowed && <th scope="col">actions</th>}
            </tr>
          </thead>
          <tbody>
            {versions
              .slice()
              .reverse()
              .map((v: ModelVersionView) => (
                <tr key={v.version} data-version={v.version}>
                  <th scope="row">v{v.version}</th>
                  <td>
                    <StatusBadge status={v.stage} />
                  </td>
                  {metricNames.map((m) => (
                    <td class="num" key={m}>
                      {formatNumber(v.metrics[m])}
                    </td>
                  ))}
                  <td>
                    {Object.entries(v.gates)
                      .map(([k, g]) => `${k} ${g}`)
                      .join(', ') || '–'}
                  </td>
                  <td class="num">{formatBytes(v.size)}</td>
                  <td>{v.runId ? <a href={href('runs', v.runId)}>{shortRunId(v.runId)}</a> : '–'}</td>
                  <td>{formatTime(v.registeredAt)}</td>
                  {detail.actionsAllowed && (
                    <td class="actions">
                      {v.stage !== 'production' && (
                        <button type="button" data-action="promote-production" onClick={() => setAction({ kind: 'promote', version: v.version, stage: 'production' })}>
                          Promote to production
                        </button>
                      )}
                      {v.stage !== 'staging' && v.stage !== 'production' && (
                        <button type="button" data-action="promote-staging" onClick={() => setAction({ kind: 'promote', version: v.version, stage: 'staging' })}>
                          To staging
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      <h2>History</h2>
      <table class="history">
        <caption class="visually-hidden">Stage changes, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">when</th>
            <th scope="col">change</th>
            <th scope="col">version</th>
            <th scope="col">by</th>
            <th scope="col">reason</th>
          </tr>
        </thead>
        <tbody>
          {detail.history.map((h) => (
            <tr key={h.id}>
              <td>{formatTime(h.at)}</td>
              <td>
                {h.kind}
                {h.from ? ` ${h.from} →` : ''} {h.to}
                {h.forced ? ' (forced)' : ''}
              </td>
              <td>v{h.version}</td>
              <td>{h.actor}</td>
              <td>{h.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {request && <ConfirmDialog request={request} busy={busy} error={failure} onConfirm={(r, t) => void confirm(r, t)} onCancel={cancel} />}
    </section>
  );
}

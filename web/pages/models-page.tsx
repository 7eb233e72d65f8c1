import { api } from '../api.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { Loading } from '../components/loading.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatTime } from '../format.ts';
import { useLiveEvents } from '../live.ts';
import { href } from '../router.ts';
import { useResource } from '../use-resource.ts';

/** Every registered model with its production and staging versions; each links to its versions and history. */
export function ModelsPage() {
  const models = useResource(() => api.models(), []);
  useLiveEvents({}, (event) => event.type === 'models-changed' && models.reload(), models.reload);
  if (models.error) return <ErrorMessage error={models.error} retry={models.reload} />;
  if (!models.data) return <Loading what="models" />;
  const list = models.data.models;
  return (
    <section aria-labelledby="models-title">
      <div class="page-head">
        <h1 id="models-title">Models</h1>
        <span class="sub">{models.data.actionsAllowed ? 'Actions are on: promote and roll back from a model’s page.' : 'Read-only: start `deepline ui --allow-actions` to promote or roll back.'}</span>
      </div>
      {list.length === 0 ? (
        <EmptyState title="No registered model yet">
          Register a run’s output with <code>deepline registry register &lt;name&gt; &lt;output folder&gt;</code>.
        </EmptyState>
      ) : (
        <table class="models">
          <caption class="visually-hidden">Registered models</caption>
          <thead>
            <tr>
              <th scope="col">model</th>
              <th scope="col">production</th>
              <th scope="col">staging</th>
              <th scope="col" class="num">
                versions
              </th>
              <th scope="col">updated</th>
            </tr>
          </thead>
          <tbody>
            {list.map((m) => (
              <tr key={m.name} data-model={m.name}>
                <th scope="row">
                  <a href={href('models', m.name)}>{m.name}</a>
                </th>
                <td>{m.production === undefined ? '–' : <StatusBadge status={`v${m.production}`} />}</td>
                <td>{m.staging === undefined ? '–' : `v${m.staging}`}</td>
                <td class="num">{m.versions.length}</td>
                <td>{formatTime(m.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

import { api } from '../api.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { Loading } from '../components/loading.tsx';
import { formatTime, shortRunId } from '../format.ts';
import { useLiveEvents } from '../live.ts';
import { href } from '../router.ts';
import { useResource } from '../use-resource.ts';

/** Every study in the workspace, newest first, each linking to its Search page. */
export function SearchesPage() {
  const list = useResource(() => api.studies(), []);
  useLiveEvents({}, (event) => {
    if (event.type === 'trial-finished' || event.type === 'run-started') list.reload();
  }, list.reload);
  if (list.error) return <ErrorMessage error={list.error} retry={list.reload} />;
  if (!list.data) return <Loading what="searches" />;
  return (
    <section aria-labelledby="searches-title">
      <h1 id="searches-title">Searches</h1>
      {list.data.length === 0 ? (
        <EmptyState title="No search in this workspace yet">A run searches models unless it is started with <code>--no-search</code>.</EmptyState>
      ) : (
        <table class="studies">
          <caption class="visually-hidden">Every search, newest first</caption>
          <thead>
            <tr>
              <th scope="col">study</th>
              <th scope="col">run</th>
              <th scope="col" class="num">
                trials
              </th>
              <th scope="col">created</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((s) => (
              <tr key={s.name} data-study={s.name}>
                <th scope="row">
                  <a href={href('studies', s.name)}>{s.name}</a> {s.live && <span class="badge badge-running">live</span>}
                </th>
                <td>{s.runId ? <a href={href('runs', s.runId)}>{shortRunId(s.runId)}</a> : '–'}</td>
                <td class="num">{s.trials}</td>
                <td>{formatTime(s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

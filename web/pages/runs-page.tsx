import { useEffect, useRef, useState } from 'preact/hooks';
import type { RunSortKey, UiRunStatus } from '../../src/ui/api-types.ts';
import { api } from '../api.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { Loading } from '../components/loading.tsx';
import { SortHeader } from '../components/sort-header.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatDuration, formatNumber, formatTime, shortHash, shortRunId } from '../format.ts';
import { useLiveEvents } from '../live.ts';
import { href } from '../router.ts';
import { useResource } from '../use-resource.ts';

const PAGE = 50;
/** About a screenful: what the first paint shows. */
const FIRST_ROWS = 20;

/**
 * Every run: status, task, data version, metric, duration, engine; filter by text, status and
 * task; sort by any column; tick two or more to compare them. New and finished runs appear live.
 */
export function RunsPage() {
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<UiRunStatus | ''>('');
  const [task, setTask] = useState('');
  const [sort, setSort] = useState<RunSortKey>('startedAt');
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<readonly string[]>([]);
  const runs = useResource(() => api.runs({ limit: PAGE, offset, q: q.trim(), sort, order, ...(status && { status: [status] }), ...(task && { task: [task] }) }), [q.trim(), status, task, sort, order, offset], { keep: true });
  const pending = useRef<number | undefined>(undefined);
  useLiveEvents({}, (event) => {
    if (event.type !== 'run-started' && event.type !== 'run-finished' && event.type !== 'step-finished') return;
    // Many steps finish in a burst on a cached run: one refetch for the burst.
    if (pending.current === undefined) pending.current = window.setTimeout(() => ((pending.current = undefined), runs.reload()), 300);
  }, runs.reload);
  // The first screenful of rows paints first; the rest of the page of runs follows a frame later.
  const [rows, setRows] = useState(FIRST_ROWS);
  const rendered = useRef(false);
  useEffect(() => {
    if (runs.data && !rendered.current) {
      rendered.current = true;
      // Read by the browser test (first paint of the runs table); harmless anywhere else.
      requestAnimationFrame(() => {
        performance.mark('deepline:runs-table');
        setRows(Infinity);
      });
    }
  }, [runs.data]);

  const onSort = (key: RunSortKey): void => {
    setOrder(key === sort ? (order === 'asc' ? 'desc' : 'asc') : key === 'name' || key === 'taskType' ? 'asc' : 'desc');
    setSort(key);
    setOffset(0);
  };
  const toggle = (id: string): void => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const page = runs.data;
  return (
    <section aria-labelledby="runs-title">
      <div class="page-head">
        <h1 id="runs-title">Runs</h1>
        <a
          class={`button primary${selected.length < 2 ? ' disabled' : ''}`}
          href={selected.length >= 2 ? `#/compare?ids=${selected.map(encodeURIComponent).join(',')}` : undefined}
          aria-disabled={selected.length < 2}
          data-action="compare"
        >
          Compare {selected.length >= 2 ? `${selected.length} runs` : '(select 2 or more)'}
        </a>
      </div>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Filter
          <input type="search" placeholder="id, name or task file" value={q} onInput={(e) => (setQ((e.target as HTMLInputElement).value), setOffset(0))} />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => (setStatus((e.target as HTMLSelectElement).value as UiRunStatus | ''), setOffset(0))}>
            <option value="">any</option>
            {(page?.facets.statuses ?? []).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Task
          <select value={task} onChange={(e) => (setTask((e.target as HTMLSelectElement).value), setOffset(0))}>
            <option value="">any</option>
            {(page?.facets.taskTypes ?? []).map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        {page && (
          <span class="count" aria-live="polite" data-total={page.total}>
            {page.total} run{page.total === 1 ? '' : 's'}
          </span>
        )}
      </form>
      {runs.error && <ErrorMessage error={runs.error} retry={runs.reload} />}
      {!page && !runs.error && <Loading what="runs" />}
      {page && page.total === 0 && (q || status || task ? <EmptyState title="No run matches these filters" /> : <EmptyState title="No runs in this workspace yet">Start one with <code>deepline run examples/iris.yaml</code>; it appears here as it runs.</EmptyState>)}
      {page && page.runs.length > 0 && (
        <div class="scroll">
          <table class="runs">
            <caption class="visually-hidden">Runs, sorted by {sort} {order === 'asc' ? 'ascending' : 'descending'}</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span class="visually-hidden">select to compare</span>
                </th>
                <SortHeader label="run" sortKey="name" sort={sort} order={order} onSort={onSort} />
                <SortHeader label="status" sortKey="status" sort={sort} order={order} onSort={onSort} />
                <SortHeader label="task" sortKey="taskType" sort={sort} order={order} onSort={onSort} />
                <th scope="col">data version</th>
                <SortHeader label="metric" sortKey="metric" sort={sort} order={order} onSort={onSort} />
                <SortHeader label="duration" sortKey="duration" sort={sort} order={order} onSort={onSort} />
                <SortHeader label="engine" sortKey="engine" sort={sort} order={order} onSort={onSort} />
                <SortHeader label="started" sortKey="startedAt" sort={sort} order={order} onSort={onSort} />
              </tr>
            </thead>
            <tbody>
              {page.runs.slice(0, rows).map((r, i) => (
                <tr key={r.id} data-run={r.id} class={selected.includes(r.id) ? 'selected' : undefined}>
                  <td>
                    <input type="checkbox" checked={selected.includes(r.id)} onChange={() => toggle(r.id)} aria-label={`select run ${r.name} ${shortRunId(r.id)} to compare`} />
                  </td>
                  {/* Element Timing (on the cell: text is timed by its block): when the first row is painted; the browser test reads it. */}
                  <th scope="row" {...(i === 0 && { elementtiming: 'runs-table' })}>
                    <a href={href('runs', r.id)}>{r.name}</a> <span class="sub">{shortRunId(r.id)}</span>
                    {r.hasSearch && (
                      <a class="tag" href={href('runs', r.id, 'search')} title="this run searched models">
                        search
                      </a>
                    )}
                  </th>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>{r.taskType}</td>
                  <td>
                    <code title={r.dataVersion}>{shortHash(r.dataVersion)}</code>
                  </td>
                  <td class="num" data-metric-key={r.metric?.key}>
                    {r.metric ? (
                      <>
                        <span class="sub">{r.metric.name}</span> {formatNumber(r.metric.value)}
                      </>
                    ) : (
                      '–'
                    )}
                  </td>
                  <td class="num">{r.durationMs === undefined ? '–' : formatDuration(r.durationMs)}</td>
                  <td>{r.engine ?? '–'}</td>
                  <td>{formatTime(r.startedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page && page.total > PAGE && (
        <nav class="pager" aria-label="pages of runs">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Previous
          </button>
          <span>
            {offset + 1}–{Math.min(offset + PAGE, page.total)} of {page.total}
          </span>
          <button type="button" disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>
            Next
          </button>
        </nav>
      )}
    </section>
  );
}

import type { MetadataStore, RunDetail, RunRecord } from '../store/metadata/metadata-store.ts';
import type { LiveRunStatus } from '../store/run-locks.ts';
import type { RunSortKey, RunSummary, RunsPage, UiRunStatus, UiStepStatus } from './api-types.ts';
import { summariseRun } from './run-summary.ts';
import { studyNameOf } from './study-view.ts';

/** What the runs page may ask for (validated by the route). */
export interface RunQuery {
  readonly limit: number;
  readonly offset: number;
  readonly status?: readonly UiRunStatus[];
  readonly task?: readonly string[];
  readonly q?: string;
  readonly sort: RunSortKey;
  readonly order: 'asc' | 'desc';
}

/** A change the index saw between two refreshes; the event hub stamps and publishes it. */
export type RunChange =
  | { readonly type: 'run-started'; readonly runId: string; readonly name: string }
  | { readonly type: 'run-finished'; readonly runId: string; readonly status: UiRunStatus }
  | { readonly type: 'step-started'; readonly runId: string; readonly stepId: number; readonly step: string }
  | { readonly type: 'step-finished'; readonly runId: string; readonly stepId: number; readonly step: string; readonly status: UiStepStatus; readonly durationMs?: number };

interface Entry {
  /** Status and end as stored: a run's record changes only through them. */
  readonly stamp: string;
  readonly summary: RunSummary;
  /** Kept for live runs only: their steps change between refreshes. */
  readonly detail?: RunDetail;
  /** Step id → status, to tell which steps started or finished since the last refresh. */
  readonly steps: ReadonlyMap<number, string>;
  /** The run's study, when it has a search step. */
  readonly study?: string;
}

/**
 * The runs table as an in-memory index over any MetadataStore: one summary per run (metric,
 * data version, engine, duration, search or not), built from each run's detail once and rebuilt
 * only when its record changes (status or end) or while it runs. A page is then a filter and a
 * sort over a few hundred small objects, without a store round trip per run, and it works on any
 * store implementation (SQLite now, PostgreSQL later), since it uses only the interface.
 * `refresh()` is what the poller calls; it returns what changed.
 */
export class RunIndex {
  private readonly entries = new Map<string, Entry>();
  private order: string[] = [];
  private primed = false;

  constructor(
    private readonly metadata: MetadataStore,
    private readonly liveStatus: (run: Pick<RunRecord, 'id' | 'status'>) => Promise<LiveRunStatus>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Re-reads the run list and the details of new, changed and live runs; returns the changes. */
  async refresh(): Promise<RunChange[]> {
    const records = await this.metadata.listRuns();
    const changes: RunChange[] = [];
    const seen = new Set<string>();
    // The first refresh sets the baseline: what was there before is no news.
    const first = !this.primed;
    this.primed = true;
    for (const record of records) {
      seen.add(record.id);
      const status = await this.liveStatus(record);
      const stamp = `${status}|${record.endedAt ?? ''}`;
      const old = this.entries.get(record.id);
      if (old && old.stamp === stamp && status !== 'running') continue;
      const detail = await this.metadata.getRunDetail(record.id);
      if (!detail) continue;
      const steps = new Map(detail.steps.map((s) => [s.id, s.status]));
      if (!first) {
        if (!old) changes.push({ type: 'run-started', runId: record.id, name: record.name });
        for (const s of detail.steps) {
          const before = old?.steps.get(s.id);
          if (before === undefined && s.status === 'running') changes.push({ type: 'step-started', runId: record.id, stepId: s.id, step: s.name });
          if (before !== s.status && s.status !== 'running') {
            changes.push({ type: 'step-finished', runId: record.id, stepId: s.id, step: s.name, status: s.status, ...(s.durationMs !== undefined && { durationMs: s.durationMs }) });
          }
        }
        if (old && old.summary.status !== status && status !== 'running') changes.push({ type: 'run-finished', runId: record.id, status });
      }
      const study = studyNameOf(detail);
      this.entries.set(record.id, {
        stamp,
        summary: summariseRun(detail, status, this.now()),
        ...(status === 'running' && { detail }),
        steps,
        ...(study !== undefined && { study }),
      });
    }
    for (const id of this.entries.keys()) if (!seen.has(id)) this.entries.delete(id);
    // listRuns is newest first: that is the default order.
    this.order = records.map((r) => r.id).filter((id) => this.entries.has(id));
    return changes;
  }

  /**
   * The store's change counter (see MetadataStore.changeCounter), or undefined when the store
   * has none: then every poll re-reads.
   */
  async changeCounter(): Promise<number | undefined> {
    return this.metadata.changeCounter?.();
  }

  /** The runs being written now, with their latest detail. */
  live(): RunDetail[] {
    return [...this.entries.values()].flatMap((e) => (e.detail ? [e.detail] : []));
  }

  /** Every run's study (runs with a search step), newest run first. */
  studies(): { readonly runId: string; readonly name: string }[] {
    return this.order.flatMap((id) => {
      const study = this.entries.get(id)?.study;
      return study === undefined ? [] : [{ runId: id, name: study }];
    });
  }

  get(id: string): RunSummary | undefined {
    return this.entries.get(id)?.summary;
  }

  /** Every run, newest first. */
  all(): RunSummary[] {
    return this.order.map((id) => this.entries.get(id)!.summary);
  }

  /** One page of runs matching the query, and how many match in all. */
  page(query: RunQuery): RunsPage {
    const all = this.all();
    const q = query.q?.toLowerCase();
    const matching = all.filter(
      (r) =>
        (!query.status || query.status.includes(r.status)) &&
        (!query.task || query.task.includes(r.taskType)) &&
        (!q || r.id.toLowerCase().includes(q) || r.name.toLowerCase().includes(q) || r.taskFile.toLowerCase().includes(q)),
    );
    const sorted = query.sort === 'startedAt' && query.order === 'desc' ? matching : sortRuns(matching, query.sort, query.order);
    return {
      runs: sorted.slice(query.offset, query.offset + query.limit),
      total: matching.length,
      limit: query.limit,
      offset: query.offset,
      facets: {
        taskTypes: [...new Set(all.map((r) => r.taskType))].sort(),
        statuses: [...new Set(all.map((r) => r.status))].sort(),
      },
    };
  }
}

/** A stable sort by one key; runs that lack the key (no metric, no duration) go last either way. */
function sortRuns(runs: readonly RunSummary[], key: RunSortKey, order: 'asc' | 'desc'): RunSummary[] {
  const sign = order === 'asc' ? 1 : -1;
  const valueOf = (r: RunSummary): string | number | undefined => {
    switch (key) {
      case 'startedAt':
        return r.startedAt;
      case 'name':
        return r.name.toLowerCase();
      case 'status':
        return r.status;
      case 'taskType':
        return r.taskType;
      case 'engine':
        return r.engine;
      case 'duration':
        return r.durationMs;
      case 'metric':
        return r.metric?.value ?? undefined;
    }
  };
  return runs
    .map((run, index) => ({ run, index, value: valueOf(run) }))
    .sort((a, b) => {
      if (a.value === undefined || b.value === undefined) return a.value === b.value ? a.index - b.index : a.value === undefined ? 1 : -1;
      const c = a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
      return c === 0 ? a.index - b.index : sign * c;
    })
    .map((x) => x.run);
}

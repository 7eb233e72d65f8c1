import type { RunDetail } from '../store/metadata/metadata-store.ts';
import type { LiveRunStatus } from '../store/run-locks.ts';
import type { Direction, PrimaryMetric, RunSummary } from './api-types.ts';

/** The stored key and the better direction of each task metric (what the evaluate step logs). */
const METRIC_KEYS: Readonly<Record<string, { key: string; direction: Direction }>> = {
  accuracy: { key: 'test_accuracy', direction: 'maximize' },
  'macro-f1': { key: 'test_macro_f1', direction: 'maximize' },
  rmse: { key: 'test_rmse', direction: 'minimize' },
  mae: { key: 'test_mae', direction: 'minimize' },
  r2: { key: 'test_r2', direction: 'maximize' },
};

/** The task's metric of a run: named by its spec (or its task type), read from the evaluate step's log. */
export function primaryMetric(detail: RunDetail): PrimaryMetric | undefined {
  const spec = (detail.run.spec ?? {}) as { metric?: unknown };
  const name = typeof spec.metric === 'string' ? spec.metric : detail.run.taskType.endsWith('classification') ? 'accuracy' : 'rmse';
  const known = METRIC_KEYS[name];
  if (!known) return undefined;
  let value: number | null | undefined;
  for (const m of detail.metrics) {
    if (m.key === known.key && m.step === undefined && m.epoch === undefined) value = Number.isNaN(m.value) ? null : m.value;
  }
  return { name, key: known.key, direction: known.direction, ...(value !== undefined && { value }) };
}

/**
 * One row of the runs table from a run's stored record. `status` is the live status (a `running`
 * run whose process is gone reads `interrupted`); `now` dates a running run's duration.
 */
export function summariseRun(detail: RunDetail, status: LiveRunStatus, now: number): RunSummary {
  const { run, params, steps } = detail;
  const text = (key: string): string | undefined => (typeof params[key] === 'string' ? (params[key] as string) : undefined);
  const started = Date.parse(run.startedAt);
  const ended = run.endedAt === undefined ? undefined : Date.parse(run.endedAt);
  const durationMs = ended !== undefined ? ended - started : status === 'running' ? Math.max(0, now - started) : undefined;
  const metric = primaryMetric(detail);
  const dataVersion = text('data.contentHash');
  const preparedDataVersion = text('data.version');
  const engine = text('engine');
  return {
    id: run.id,
    name: run.name,
    status,
    taskType: run.taskType,
    taskFile: run.taskFile,
    ...(dataVersion !== undefined && { dataVersion }),
    ...(preparedDataVersion !== undefined && { preparedDataVersion }),
    ...(metric !== undefined && { metric }),
    ...(durationMs !== undefined && { durationMs }),
    ...(engine !== undefined && { engine }),
    startedAt: run.startedAt,
    ...(run.endedAt !== undefined && { endedAt: run.endedAt }),
    hasSearch: steps.some((s) => s.name === 'search'),
    steps: steps.length,
    cachedSteps: steps.filter((s) => s.status === 'cached').length,
    ...(run.error !== undefined && { error: run.error }),
  };
}

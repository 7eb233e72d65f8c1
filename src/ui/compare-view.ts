import { canonicalJson } from '../store/canonical-json.ts';
import type { CompareRow, CompareView, LearningCurve, MetricValue, RunSummary } from './api-types.ts';

/** What the Compare page needs of each run. */
export interface ComparedRun {
  readonly summary: RunSummary;
  readonly params: Readonly<Record<string, unknown>>;
  readonly metrics: readonly MetricValue[];
  readonly curves: readonly LearningCurve[];
}

/**
 * Params and final metrics of several runs side by side, one row per key (sorted), with `differs`
 * set when the runs do not all hold the same value — a key one run lacks differs too. Values are
 * compared by canonical JSON, so `{a, b}` and `{b, a}` are the same.
 */
export function compareRuns(runs: readonly ComparedRun[]): CompareView {
  const rows = (maps: readonly ReadonlyMap<string, unknown>[]): CompareRow[] => {
    const keys = [...new Set(maps.flatMap((m) => [...m.keys()]))].sort();
    return keys.map((key) => {
      const values = maps.map((m) => (m.has(key) ? m.get(key) : null));
      const forms = new Set(maps.map((m) => (m.has(key) ? canonicalJson(m.get(key) ?? null) : '\u0000absent')));
      return { key, values, differs: forms.size > 1 };
    });
  };
  return {
    runs: runs.map((r) => r.summary),
    params: rows(runs.map((r) => new Map(Object.entries(r.params)))),
    // Series points are in `curves`; a metric row is a step's last value of a key.
    metrics: rows(runs.map((r) => new Map(r.metrics.map((m) => [`${m.step}/${m.key}`, m.value])))),
    curves: runs.map((r) => r.curves),
  };
}

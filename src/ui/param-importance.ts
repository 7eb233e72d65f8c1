import type { ParamImportance } from './api-types.ts';

/** The estimator's name, as the API reports it. */
export const IMPORTANCE_METHOD = 'binned-epsilon-squared';

const MAX_BINS = 4;

/**
 * How much of the variance of an objective each parameter explains on its own, by binning:
 * trials are grouped by the parameter's value (a categorical or boolean value, or a number with at
 * most 4 distinct values, is its own group; other numbers fall into 4 equal-count bins of their
 * rank, so a log-scaled learning rate bins as well as a linear one), and the parameter's raw score
 * is ε² = (between-group SS − (groups − 1) · within-group mean square) / total SS of the
 * objective: the share of its variance the grouping explains beyond chance. Scores are then
 * normalised to sum to 1. Like fANOVA's main effects, but with groups for trees: cheap,
 * deterministic, and honest with a handful of trials. Fewer than 3 trials, or an objective that
 * does not vary, gives no importances.
 */
export function paramImportances(trials: readonly { readonly params: Readonly<Record<string, unknown>>; readonly value: number }[]): ParamImportance[] {
  const usable = trials.filter((t) => Number.isFinite(t.value));
  if (usable.length < 3) return [];
  const values = usable.map((t) => t.value);
  const mean = values.reduce((a, v) => a + v, 0) / values.length;
  const total = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  if (!(total > 0)) return [];
  const names = [...new Set(usable.flatMap((t) => Object.keys(t.params)))];
  const raw = names.map((param) => {
    const groups = groupsOf(usable.map((t) => t.params[param]));
    const sums = new Map<string, { n: number; sum: number }>();
    groups.forEach((g, i) => {
      const s = sums.get(g) ?? { n: 0, sum: 0 };
      s.n++;
      s.sum += values[i]!;
      sums.set(g, s);
    });
    let between = 0;
    for (const { n, sum } of sums.values()) between += n * (sum / n - mean) ** 2;
    // ε² rather than η²: η² rewards a split into many small groups (3 trials in 3 groups
    // "explain" everything); ε² takes off what groups of pure noise would explain, and a
    // parameter with as many groups as trials explains nothing that can be told apart.
    const k = sums.size;
    const n = values.length;
    if (k < 2 || n - k < 1) return { param, raw: 0 };
    const within = (total - between) / (n - k);
    return { param, raw: Math.min(1, Math.max(0, (between - (k - 1) * within) / total)) };
  });
  const sum = raw.reduce((a, r) => a + r.raw, 0);
  return raw
    .map((r) => ({ param: r.param, raw: r.raw, importance: sum > 0 ? r.raw / sum : 0 }))
    .sort((a, b) => b.importance - a.importance || a.param.localeCompare(b.param));
}

/** The group key of each value: numbers by rank bin, anything else by its JSON. */
function groupsOf(values: readonly unknown[]): string[] {
  const numeric = values.every((v) => typeof v === 'number' && Number.isFinite(v));
  const distinct = new Set(values.map((v) => JSON.stringify(v ?? null)));
  if (!numeric || distinct.size <= MAX_BINS) return values.map((v) => JSON.stringify(v ?? null));
  const numbers = values as number[];
  const sorted = [...numbers].sort((a, b) => a - b);
  // Equal-count bins by rank; equal values share the bin of their first occurrence.
  return numbers.map((v) => {
    const rank = sorted.indexOf(v);
    return `bin${Math.min(MAX_BINS - 1, Math.floor((rank * MAX_BINS) / sorted.length))}`;
  });
}

import type { StudySummaryTrial } from '../study-summary.ts';

/** One parameter's share of the error's variance; the shares of a study sum to 1 (or are all 0). */
export interface ParamImportance {
  readonly param: string;
  readonly importance: number;
}

const MAX_BINS = 4;
const MIN_COMPLETE = 4;
const INACTIVE = '\u0000inactive';

/**
 * How much of the variance of the first objective (error) each parameter explains, as a one-way
 * ANOVA share (between-group / total sum of squares), normalised to sum to 1 and sorted descending.
 *
 * Uses complete trials; when fewer than 4 completed, it falls back to every trial with a finite
 * error (pruned ones report their last value, which is biased high but better than nothing).
 * Categorical values group by value, numeric ones by up to 4 quantile bins; a trial where the
 * parameter is inactive falls in an "inactive" group. Fewer than 2 usable trials gives `[]`;
 * zero total variance gives all zeros.
 */
export function paramImportances(trials: readonly StudySummaryTrial[]): ParamImportance[] {
  const scored = trials.filter((t) => Number.isFinite(t.values?.[0]));
  const complete = scored.filter((t) => t.state === 'complete');
  const used = complete.length >= MIN_COMPLETE ? complete : scored;
  if (used.length < 2) return [];
  const errors = used.map((t) => t.values![0]);
  const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
  const total = errors.reduce((a, e) => a + (e - mean) ** 2, 0);
  const names = [...new Set(used.flatMap((t) => Object.keys(t.params)))].sort();
  // Relative to the spread of the errors, so float noise in constant errors reads as zero variance.
  const flat = total <= 1e-12 * Math.max(1, mean * mean) * errors.length;
  const shares = names.map((param) => (flat ? 0 : betweenGroupSquares(groupKeys(used, param), errors, mean) / total));
  const sum = shares.reduce((a, b) => a + b, 0);
  return names
    .map((param, i) => ({ param, importance: sum > 0 ? shares[i] / sum : 0 }))
    .sort((a, b) => b.importance - a.importance || a.param.localeCompare(b.param));
}

/** Each trial's group for `param`: its value (categorical), its quantile bin (numeric), or inactive. */
function groupKeys(trials: readonly StudySummaryTrial[], param: string): string[] {
  const values = trials.map((t) => (Object.hasOwn(t.params, param) ? t.params[param] : undefined));
  const active = values.filter((v) => v !== undefined);
  const numeric = active.length > 0 && active.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!numeric) return values.map((v) => (v === undefined ? INACTIVE : JSON.stringify(v)));
  const sorted = (active as number[]).slice().sort((a, b) => a - b);
  const distinct = new Set(sorted).size;
  if (distinct <= MAX_BINS) return values.map((v) => (v === undefined ? INACTIVE : String(v)));
  // Upper edges at the quantiles; equal values always share a bin.
  const edges: number[] = [];
  for (let k = 1; k < MAX_BINS; k++) edges.push(sorted[Math.floor((k * sorted.length) / MAX_BINS)]);
  return values.map((v) => (v === undefined ? INACTIVE : `bin${edges.filter((edge) => (v as number) >= edge).length}`));
}

function betweenGroupSquares(keys: readonly string[], errors: readonly number[], mean: number): number {
  const groups = new Map<string, { sum: number; n: number }>();
  keys.forEach((k, i) => {
    const g = groups.get(k) ?? { sum: 0, n: 0 };
    g.sum += errors[i];
    g.n += 1;
    groups.set(k, g);
  });
  let ss = 0;
  for (const g of groups.values()) ss += g.n * (g.sum / g.n - mean) ** 2;
  return ss;
}

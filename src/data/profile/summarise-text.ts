import type { ClassCoding } from './code-classes.ts';
import type { TextStats, ValueCount } from './data-profile.ts';
import { summariseNumbers } from './summarise-numbers.ts';
import { tokenizeText } from './tokenize-text.ts';

export interface SummariseTextOptions {
  readonly bins?: number;
  /** Tokens listed overall and per class (default 20). */
  readonly topTokens?: number;
}

/**
 * Length distributions (characters and tokens per value), vocabulary size and the most frequent
 * tokens of a text column, and — given the class of each row — the most frequent tokens of each
 * class with their lift (how much likelier the token is in that class than overall), which puts
 * stop words (lift ≈ 1) apart from the words that tell classes apart.
 */
export function summariseText(values: readonly (string | null)[], classes?: ClassCoding, options: SummariseTextOptions = {}): TextStats {
  const top = options.topTokens ?? 20;
  const n = values.length;
  const characters = new Float64Array(n).fill(Number.NaN);
  const tokenCounts = new Float64Array(n).fill(Number.NaN);
  const overall = new Map<string, number>();
  const perClass = classes ? classes.classes.map(() => new Map<string, number>()) : undefined;
  const classTotals = classes ? new Float64Array(classes.classes.length) : undefined;
  let totalTokens = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    characters[i] = v.length;
    const tokens = tokenizeText(v);
    tokenCounts[i] = tokens.length;
    totalTokens += tokens.length;
    const c = classes ? classes.codes[i] : -1;
    const classMap = c >= 0 ? perClass![c] : undefined;
    for (const t of tokens) {
      overall.set(t, (overall.get(t) ?? 0) + 1);
      if (classMap) classMap.set(t, (classMap.get(t) ?? 0) + 1);
    }
    if (c >= 0) classTotals![c] += tokens.length;
  }
  const stats: TextStats = {
    characters: summariseNumbers(characters, { bins: options.bins }),
    tokens: summariseNumbers(tokenCounts, { bins: options.bins }),
    vocabularySize: overall.size,
    topTokens: topOf(overall, top),
  };
  if (!classes || !perClass || !classTotals) return stats;
  return {
    ...stats,
    topTokensPerClass: classes.classes.map((name, k) => ({
      class: name,
      tokens: topOf(perClass[k], top).map(({ value, count }) => ({
        value,
        count,
        lift: count / classTotals[k] / ((overall.get(value) ?? count) / totalTokens),
      })),
    })),
  };
}

/** The `k` largest counts; ties in alphabetical order so the result does not depend on input order. */
function topOf(counts: Map<string, number>, k: number): ValueCount[] {
  return [...counts]
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
    .slice(0, k)
    .map(([value, count]) => ({ value, count }));
}

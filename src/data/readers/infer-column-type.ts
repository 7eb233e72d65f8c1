import type { ColumnType } from '../table.ts';
import { cellSyntax } from './cell-syntax.ts';
import { MISFIT_POLICY } from './misfit-policy.ts';

/**
 * The type of a column from a sample of its non-missing values (undefined when there are none):
 *
 * 1. numeric, boolean and date each count the values that do not fit them; a type qualifies
 *    when its misfits are tolerated by MISFIT_POLICY (none, or rare missing-value markers);
 *    numeric never qualifies when a value has a leading zero (`007`: a code), boolean only
 *    when at least one value is a word (`yes`, `false`, ...), so a 0/1 column stays numeric;
 * 2. the qualifying type with the fewest misfits wins, ties going to numeric, then boolean, then date;
 * 3. otherwise the column holds strings: text when it looks like free text (at least half the
 *    values distinct, fewer than half of them numbers, and on average 3 or more words or 30 or
 *    more characters), else categorical — so a column of numbers with one runaway field (a
 *    20 MB cell) is categorical, and the reader warns about the values that are not numbers.
 */
export function inferColumnType(values: readonly string[]): ColumnType | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const numeric = new MisfitCount();
  const boolean = new MisfitCount();
  const date = new MisfitCount();
  let words = 0;
  let leadingZeros = 0;
  for (const v of values) {
    if (cellSyntax.number(v) === undefined) numeric.add(v);
    else if (cellSyntax.hasLeadingZero(v)) leadingZeros++;
    const b = cellSyntax.boolean(v);
    if (b === undefined) boolean.add(v);
    else if (b.word) words++;
    if (cellSyntax.date(v) === undefined) date.add(v);
  }
  const candidates: Array<[ColumnType, MisfitCount]> = [];
  if (leadingZeros === 0) candidates.push(['numeric', numeric]);
  if (words > 0) candidates.push(['boolean', boolean]);
  candidates.push(['date', date]);
  let best: [ColumnType, MisfitCount] | undefined;
  for (const candidate of candidates) {
    if (!candidate[1].toleratedIn(n)) continue;
    if (!best || candidate[1].count < best[1].count) best = candidate;
  }
  if (best) return best[0];
  const numbers = n - numeric.count;
  return numbers * 2 < n && looksLikeFreeText(values) ? 'text' : 'categorical';
}

class MisfitCount {
  count = 0;
  readonly spellings = new Set<string>();

  add(value: string): void {
    this.count++;
    // Only "few or many" matters, so the set stops growing past the policy's limit.
    if (this.spellings.size <= MISFIT_POLICY.maxSpellings) this.spellings.add(value);
  }

  toleratedIn(nonMissing: number): boolean {
    return MISFIT_POLICY.tolerates(this.count, this.spellings.size, nonMissing);
  }
}

function looksLikeFreeText(values: readonly string[]): boolean {
  const distinct = new Set(values).size;
  if (distinct < values.length / 2) return false;
  let length = 0;
  let wordCount = 0;
  for (const v of values) {
    length += v.length;
    wordCount += v.split(/\s+/).filter((w) => w !== '').length;
  }
  return wordCount / values.length >= 3 || length / values.length >= 30;
}

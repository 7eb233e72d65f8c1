/**
 * The candidate the user most likely meant by `input`, or undefined when none is close.
 * Case and `-`/`_` separators are ignored first (`batch_size` → `batchSize`), then a prefix of at
 * least three characters counts (`acc` → `accuracy`), then edit distance (transpositions count
 * as one edit) up to a third of the longer word (`targt` → `target`). Ties go to the earlier candidate.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const wanted = normalise(input);
  if (wanted === '') return undefined;
  const exact = candidates.find((c) => normalise(c) === wanted);
  if (exact !== undefined) return exact;
  if (wanted.length >= 3) {
    const prefixed = candidates.find((c) => normalise(c).startsWith(wanted));
    if (prefixed !== undefined) return prefixed;
  }
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const c = normalise(candidate);
    const limit = Math.max(1, Math.floor(Math.max(c.length, wanted.length) / 3));
    const d = editDistance(wanted, c);
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function normalise(s: string): string {
  return s.toLowerCase().replace(/[-_\s]/g, '');
}

/**
 * Levenshtein distance extended with adjacent transpositions (optimal string alignment), since
 * swapped letters (`fromat`, `mea`) are the commonest typo and should cost one edit, not two.
 */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j], before[j - 2] + 1);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length];
}

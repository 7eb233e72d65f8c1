import type { DuplicateCounts } from './data-profile.ts';

/**
 * Duplicate counts from per-row digests (see RowHasher): `full` hashes whole rows, `inputs` the
 * same rows without the target. Sorts both arrays in place (they are scratch).
 */
export function countDuplicates(full: Float64Array, inputs: Float64Array): DuplicateCounts {
  const distinctFull = countDistinct(full);
  const distinctInputs = countDistinct(inputs);
  // Each distinct (input, target) pair beyond the first per input is one extra label on it.
  return { rows: full.length - distinctFull, conflictingLabels: Math.max(0, distinctFull - distinctInputs) };
}

function countDistinct(values: Float64Array): number {
  if (values.length === 0) return 0;
  values.sort();
  let distinct = 1;
  for (let i = 1; i < values.length; i++) if (values[i] !== values[i - 1]) distinct++;
  return distinct;
}

import { createHash } from 'node:crypto';
import { canonicalJson } from '../store/canonical-json.ts';

/**
 * The name of a search step's study: a hash of the step's params, its input artifacts' hashes (in
 * the step's input order) and its seed. The same inputs, params and seed give the same study, so
 * a rerun after a kill picks it up again; and anything that reads the step's record (params,
 * input lineage, the run's seed) can find the study while it runs — the dashboard does.
 */
export function searchStudyName(params: unknown, inputHashes: readonly string[], seed: number): string {
  return `search-${createHash('sha256').update(canonicalJson({ params, inputs: inputHashes, seed })).digest('hex').slice(0, 16)}`;
}

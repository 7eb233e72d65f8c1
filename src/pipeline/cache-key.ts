import { createHash } from 'node:crypto';
import { canonicalJson } from '../store/canonical-json.ts';

/** Everything a step's output depends on (see the determinism contract on `Step`). */
export interface CacheKeyInput {
  readonly name: string;
  readonly version: string;
  readonly params: unknown;
  /** Input name → hash of the artifact fed to it. */
  readonly inputs: Readonly<Record<string, string>>;
  /** The step's derived seed: a run with another seed must not reuse random results. */
  readonly seed: number;
}

// Bumped when the key's recipe changes, so old cache entries stop matching instead of lying.
const KEY_FORMAT = 1;

/** sha256 (hex) of the canonical JSON of name, version, params, input hashes and seed. */
export function computeCacheKey(input: CacheKeyInput): string {
  const text = canonicalJson({
    format: KEY_FORMAT,
    name: input.name,
    version: input.version,
    params: input.params ?? null,
    inputs: input.inputs,
    seed: input.seed,
  });
  return createHash('sha256').update(text).digest('hex');
}

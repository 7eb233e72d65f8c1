import type { ArtifactKind } from '../artifacts/artifact-store.ts';

/**
 * `meta.json` beside each object of the file-system artifact store. Versioned so that stores
 * written by older deepline versions stay readable; a reader upgrades old versions here.
 */
export interface ArtifactMetaV1 {
  readonly format: 1;
  readonly hash: string;
  readonly kind: ArtifactKind;
  readonly size: number;
}

const KINDS: readonly string[] = ['json', 'file', 'dir'];

/** Parses a stored `meta.json`; returns undefined when it is not a known version. */
export function parseArtifactMeta(text: string): ArtifactMetaV1 | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  if (m.format !== 1 || typeof m.hash !== 'string' || typeof m.kind !== 'string' || !KINDS.includes(m.kind)) {
    return undefined;
  }
  if (typeof m.size !== 'number' || !Number.isSafeInteger(m.size) || m.size < 0) return undefined;
  return { format: 1, hash: m.hash, kind: m.kind as ArtifactKind, size: m.size };
}

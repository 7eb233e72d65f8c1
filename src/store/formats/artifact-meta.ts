import type { ArtifactKind } from '../artifacts/artifact-store.ts';

/**
 * `meta.json` beside each object of the file-system artifact store. Versioned so that stores
 * written by older deepline versions stay readable; a reader upgrades old versions here or, where
 * that needs the content (v1 → v2), in the store.
 */
export interface ArtifactMetaV1 {
  readonly format: 1;
  readonly hash: string;
  readonly kind: ArtifactKind;
  readonly size: number;
}

/** One stored file: its path under the object's data (`''` for a json or file artifact), bytes and sha256. */
export interface ManifestEntry {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

/**
 * v2 adds the manifest: every file of the object with its size and hash, sorted by path, so a
 * check can tell which file was deleted, truncated or changed without rehashing everything.
 */
export interface ArtifactMetaV2 extends Omit<ArtifactMetaV1, 'format'> {
  readonly format: 2;
  readonly files: readonly ManifestEntry[];
}

export type ArtifactMeta = ArtifactMetaV1 | ArtifactMetaV2;

/** The version written now. */
export const ARTIFACT_META_FORMAT = 2;

const KINDS: readonly string[] = ['json', 'file', 'dir'];
const SHA256_RE = /^[0-9a-f]{64}$/;

/** Parses a stored `meta.json`; returns undefined when it is not a known version or is malformed. */
export function parseArtifactMeta(text: string): ArtifactMeta | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  if ((m.format !== 1 && m.format !== 2) || typeof m.hash !== 'string' || typeof m.kind !== 'string' || !KINDS.includes(m.kind)) {
    return undefined;
  }
  if (!isSize(m.size)) return undefined;
  const base = { hash: m.hash, kind: m.kind as ArtifactKind, size: m.size };
  if (m.format === 1) return { format: 1, ...base };
  if (!Array.isArray(m.files)) return undefined;
  const files: ManifestEntry[] = [];
  for (const f of m.files as unknown[]) {
    if (typeof f !== 'object' || f === null) return undefined;
    const e = f as Record<string, unknown>;
    if (typeof e.path !== 'string' || !isSize(e.size) || typeof e.sha256 !== 'string' || !SHA256_RE.test(e.sha256)) return undefined;
    files.push({ path: e.path, size: e.size, sha256: e.sha256 });
  }
  return { format: 2, ...base, files };
}

function isSize(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

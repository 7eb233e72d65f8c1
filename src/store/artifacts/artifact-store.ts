/** What an artifact holds: one JSON value, one file, or a directory tree. */
export type ArtifactKind = 'json' | 'file' | 'dir';

/**
 * An immutable, content-addressed artifact. `hash` is the sha256 of the content (for a
 * directory: of its sorted relative paths and file hashes), so equal content means equal hash.
 */
export interface ArtifactRef {
  readonly hash: string;
  readonly kind: ArtifactKind;
  /** Bytes on disk (sum over files for a directory). */
  readonly size: number;
  /** Where the content lives in this store (a local path for the file-system store). */
  readonly uri: string;
}

/**
 * Contract: `put*` is atomic (content appears complete or not at all, never half-written, even
 * if the process is killed) and idempotent (same content → same ref, stored once). Stored
 * content never changes. `has` is true only for complete content.
 */
export interface ArtifactStore {
  putJson(value: unknown): Promise<ArtifactRef>;
  /** Copies (or moves, when `move` is set) a file into the store. */
  putFile(path: string, options?: { move?: boolean }): Promise<ArtifactRef>;
  /** Copies (or moves) a directory tree into the store. */
  putDir(path: string, options?: { move?: boolean }): Promise<ArtifactRef>;
  has(hash: string): Promise<boolean>;
  get(hash: string): Promise<ArtifactRef | undefined>;
  readJson<T = unknown>(ref: ArtifactRef): Promise<T>;
  /** A local path to read the content from (file or directory). Never write through it. */
  localPath(ref: ArtifactRef): Promise<string>;
}

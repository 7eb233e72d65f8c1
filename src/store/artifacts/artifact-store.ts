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

/** How stored content compares with the manifest recorded when it was put. */
export interface ArtifactCheck {
  readonly hash: string;
  /** `ok`: every file as recorded; `missing`: nothing stored under the hash; `damaged`: stored, but not as recorded. */
  readonly status: 'ok' | 'missing' | 'damaged';
  /** One line per problem, naming the file: `weights.bin has 0 bytes, expected 2956`. Empty when ok. */
  readonly problems: readonly string[];
}

/**
 * Contract: `put*` is atomic (content appears complete or not at all, never half-written, even
 * if the process is killed) and idempotent (same content → same ref, stored once). Stored
 * content never changes through the store; when something outside it deletes, truncates or edits
 * a stored file, `verify` says so and names the file, and a put of the same content repairs the
 * object. `has` is true only for objects that were stored complete (it does not read them).
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
  /**
   * Checks an object against its manifest: always that every file is there with its recorded
   * size and nothing was added, plus the content hash of every file up to at least 64 KiB;
   * with `full`, the content hash of every file. Content stored before manifests existed is
   * verified against its address (which is a content hash) and its manifest recorded then.
   */
  verify(hash: string, options?: { full?: boolean }): Promise<ArtifactCheck>;
  /**
   * Deletes an object (a damaged one, so that the step that wrote it can store it again);
   * atomic like a put: readers see the whole object or none. False when nothing was stored.
   */
  remove(hash: string): Promise<boolean>;
  /** The hash of every object held, complete or damaged, in no particular order. */
  list(): Promise<string[]>;
}

import * as path from 'node:path';
import { FsArtifactStore } from './artifacts/fs-artifact-store.ts';
import type { ArtifactStore } from './artifacts/artifact-store.ts';
import type { MetadataStore } from './metadata/metadata-store.ts';
import { SqliteMetadataStore } from './metadata/sqlite-metadata-store.ts';

/** A project's `.deepline/` folder with its stores opened. */
export interface Workspace {
  /** Absolute path of the folder; pass it as `stateDir` to `runPipeline`. */
  readonly home: string;
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  close(): Promise<void>;
}

/**
 * Opens (creating when absent) the embedded stores under `home`: `metadata.db` (SQLite) and
 * `artifacts/` (content-addressed files). Step scratch folders go to `home/tmp/`.
 */
export async function openWorkspace(home: string): Promise<Workspace> {
  const root = path.resolve(home);
  const metadata = new SqliteMetadataStore(path.join(root, 'metadata.db'));
  const artifacts = new FsArtifactStore(path.join(root, 'artifacts'));
  return Object.freeze({ home: root, metadata, artifacts, close: () => metadata.close() });
}

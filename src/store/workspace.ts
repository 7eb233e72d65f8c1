import { mkdir, open } from 'node:fs/promises';
import * as path from 'node:path';
import { fileAccessError, isFileSystemError } from '../errors/index.ts';
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
 * `artifacts/` (content-addressed files). Step scratch folders go to `home/tmp/`. A folder or
 * database file that cannot be made or opened is DL_FILE_ACCESS naming it and the cause.
 */
export async function openWorkspace(home: string): Promise<Workspace> {
  const root = path.resolve(home);
  try {
    await mkdir(root, { recursive: true });
  } catch (e) {
    throw fileAccessError(e, root, { what: 'workspace folder (--home)', action: 'write' });
  }
  const file = path.join(root, 'metadata.db');
  await checkDatabaseFile(file);
  const metadata = new SqliteMetadataStore(file);
  const artifacts = new FsArtifactStore(path.join(root, 'artifacts'));
  return Object.freeze({ home: root, metadata, artifacts, close: () => metadata.close() });
}

/** SQLite says only "unable to open database file": opening the file first names the real cause. */
async function checkDatabaseFile(file: string): Promise<void> {
  try {
    await (await open(file, 'r+')).close();
  } catch (e) {
    if (isFileSystemError(e) && e.code === 'ENOENT') return;
    throw fileAccessError(e, file, { what: 'metadata store', action: 'write' });
  }
}

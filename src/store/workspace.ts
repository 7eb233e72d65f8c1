import { open } from 'node:fs/promises';
import * as path from 'node:path';
import { fileAccessError, isFileSystemError } from '../errors/index.ts';
import { FsArtifactStore } from './artifacts/fs-artifact-store.ts';
import type { ArtifactStore } from './artifacts/artifact-store.ts';
import { ensureWritableFolder } from './ensure-writable-folder.ts';
import type { MetadataStore } from './metadata/metadata-store.ts';
import { SqliteMetadataStore } from './metadata/sqlite-metadata-store.ts';
import { RunLocks } from './run-locks.ts';

/** A project's `.deepline/` folder with its stores opened. */
export interface Workspace {
  /** Absolute path of the folder; pass it as `stateDir` to `runPipeline`. */
  readonly home: string;
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  /** One writer per run: the locks a run takes, and whether a `running` run is live. */
  readonly locks: RunLocks;
  close(): Promise<void>;
}

/**
 * Opens (creating when absent) the embedded stores under `home`: `metadata.db` (SQLite),
 * `artifacts/` (content-addressed files) and `locks/`. Step scratch folders go to `home/tmp/`.
 * A `home` that cannot be created or written fails here with DL_NOT_WRITABLE naming it; a
 * database file that cannot be opened is DL_FILE_ACCESS naming it and the cause.
 */
export async function openWorkspace(home: string): Promise<Workspace> {
  const root = path.resolve(home);
  await ensureWritableFolder(root, 'workspace');
  const file = path.join(root, 'metadata.db');
  await checkDatabaseFile(file);
  const metadata = new SqliteMetadataStore(file);
  const artifacts = new FsArtifactStore(path.join(root, 'artifacts'));
  return Object.freeze({ home: root, metadata, artifacts, locks: new RunLocks(root), close: () => metadata.close() });
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

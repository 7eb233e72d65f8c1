import { open } from 'node:fs/promises';
import * as path from 'node:path';
import { fileAccessError, isFileSystemError } from '../errors/index.ts';
import { FsArtifactStore } from './artifacts/fs-artifact-store.ts';
import type { ArtifactStore } from './artifacts/artifact-store.ts';
import { ensureWritableFolder } from './ensure-writable-folder.ts';
import type { MetadataStore } from './metadata/metadata-store.ts';
import { SqliteMetadataStore } from './metadata/sqlite-metadata-store.ts';
import { SqliteStudyStore } from './metadata/sqlite-study-store.ts';
import type { StudyStore } from './metadata/study-store.ts';
import { PgArtifactStore } from './postgres/pg-artifact-store.ts';
import { PgDatabase } from './postgres/pg-database.ts';
import { PgMetadataStore } from './postgres/pg-metadata-store.ts';
import { PgRunLocks } from './postgres/pg-run-locks.ts';
import { PgStudyStore } from './postgres/pg-study-store.ts';
import { parseStoreUrl } from './postgres/store-url.ts';
import { fileRunLockService, type RunLockService } from './run-lock-service.ts';
import { RunLocks } from './run-locks.ts';

/** A project's workspace: the local `.deepline/` folder and the stores opened for it. */
export interface Workspace {
  /** Absolute path of the local folder; pass it as `stateDir` to `runPipeline`. Logs, scratch and caches go here. */
  readonly home: string;
  /** Where the stores live, for people: the PostgreSQL URL without its password, or the local folder. */
  readonly location: string;
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  /** Studies (the search's trials), beside the runs. */
  readonly studies: StudyStore;
  /** One writer per run: the locks a run takes, and whether a `running` run is live. */
  readonly locks: RunLockService;
  /** The PostgreSQL database the stores share, when they live there (the model registry opens on it too). */
  readonly postgres?: PgDatabase;
  close(): Promise<void>;
}

export interface OpenWorkspaceOptions {
  /**
   * A PostgreSQL URL (`postgres://user@host:port/db?schema=name`): every store lives there, so
   * machines sharing the database share runs, studies, artifacts and the registry. Absent: the
   * embedded stores under `home`. `home` is used either way, for logs, scratch and the local
   * read-through cache of artifacts (`home/artifact-cache/`).
   */
  readonly storeUrl?: string;
  /** Names where `storeUrl` came from in a DL_STORE_URL error (default `store URL`). */
  readonly storeUrlSource?: string;
}

/**
 * Opens (creating when absent) a workspace. Embedded: `home/metadata.db` (SQLite: runs, studies,
 * registry), `home/artifacts/` (content-addressed files) and `home/locks/`. With `storeUrl`: the
 * PostgreSQL stores (their tables created or upgraded here), advisory locks across machines,
 * and artifacts cached under `home/artifact-cache/`. Step scratch folders go to `home/tmp/`.
 * A `home` that cannot be created or written fails here with DL_NOT_WRITABLE naming it; a
 * database file that cannot be opened is DL_FILE_ACCESS naming it and the cause; a server that
 * cannot be reached is DL_STORE naming it.
 */
export async function openWorkspace(home: string, options: OpenWorkspaceOptions = {}): Promise<Workspace> {
  const root = path.resolve(home);
  await ensureWritableFolder(root, 'workspace');
  if (options.storeUrl !== undefined) return openPostgresWorkspace(root, options.storeUrl, options.storeUrlSource ?? 'store URL');
  const file = path.join(root, 'metadata.db');
  await checkDatabaseFile(file);
  const metadata = new SqliteMetadataStore(file);
  const artifacts = new FsArtifactStore(path.join(root, 'artifacts'));
  // The study store opens on first use: most commands never read a study.
  let studies: SqliteStudyStore | undefined;
  return Object.freeze({
    home: root,
    location: root,
    metadata,
    artifacts,
    get studies(): StudyStore {
      studies ??= new SqliteStudyStore(file);
      return studies;
    },
    locks: fileRunLockService(new RunLocks(root)),
    async close() {
      await studies?.close();
      await metadata.close();
    },
  });
}

async function openPostgresWorkspace(root: string, storeUrl: string, source: string): Promise<Workspace> {
  const db = PgDatabase.open(parseStoreUrl(storeUrl, source));
  try {
    // One after another: the first creates the schema, and each waits on the same advisory lock anyway.
    const metadata = await PgMetadataStore.open(db);
    const studies = await PgStudyStore.open(db);
    const artifacts = await PgArtifactStore.open(db, { cacheDir: path.join(root, 'artifact-cache') });
    const locks = await PgRunLocks.open(db);
    return Object.freeze({ home: root, location: db.url.display, metadata, artifacts, studies, locks, postgres: db, close: () => db.close() });
  } catch (e) {
    await db.close();
    throw e;
  }
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

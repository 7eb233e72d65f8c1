import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DeeplineError } from '../errors/index.ts';
import type { ArtifactStore } from '../store/artifacts/artifact-store.ts';

/** The artifact store `deepline worker --store` names, with what to call it and how to close it. */
export interface WorkerArtifacts {
  readonly store: ArtifactStore;
  readonly describe: string;
  close(): Promise<void>;
}

/**
 * Opens the store a worker fetches trial data from by hash: PostgreSQL (`postgres://…`, the
 * driver's `store:`), read through a verified local cache in `cacheDir`, so a data set crosses
 * the network once per worker; or a workspace folder (`.deepline/` on a shared file system),
 * whose artifacts it reads in place.
 */
export async function openWorkerArtifacts(location: string, cacheDir: string): Promise<WorkerArtifacts> {
  const { isPostgresUrl } = await import('../store/postgres/store-url.ts');
  if (isPostgresUrl(location)) {
    const { PgDatabase } = await import('../store/postgres/pg-database.ts');
    const { PgArtifactStore } = await import('../store/postgres/pg-artifact-store.ts');
    const db = PgDatabase.open(location);
    const store = await PgArtifactStore.open(db, { cacheDir: resolve(cacheDir), ownsDatabase: true }).catch(async (e: unknown) => {
      await db.close();
      throw e;
    });
    return { store, describe: `${db.url.display} (cached in ${resolve(cacheDir)})`, close: () => db.close() };
  }
  const home = resolve(location);
  const found = await stat(home).catch(() => undefined);
  if (!found?.isDirectory()) {
    throw new DeeplineError('DL_USAGE', `--store ${location} is neither a PostgreSQL URL nor a folder: give the search driver's store`, {
      hint: 'postgres://user@host:5432/db (the driver\'s `store:`), or the driver\'s workspace folder (.deepline/) on a shared file system',
    });
  }
  const { openWorkspace } = await import('../store/workspace.ts');
  const workspace = await openWorkspace(home);
  return { store: workspace.artifacts, describe: home, close: () => workspace.close() };
}

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { openStores, type OpenStoresOptions } from '../context/open-stores.ts';
import { DeeplineError } from '../errors/index.ts';
import type { ModelRegistryStore } from '../model-registry/model-registry-store.ts';
import type { ArtifactStore } from '../store/artifacts/artifact-store.ts';
import { deleteRun } from '../store/delete-run.ts';
import type { MetadataStore, RunRecord } from '../store/metadata/metadata-store.ts';
import type { StudyStore } from '../store/metadata/study-store.ts';
import type { LiveRunStatus } from '../store/run-locks.ts';

/** The stores `deepline ui` reads (and, for actions, the registry it writes), opened once. */
export interface UiWorkspace {
  /** Absolute path of the workspace folder. */
  readonly home: string;
  /** Where the stores live, for people: the folder, or the PostgreSQL URL without its password. */
  readonly location: string;
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly studies: StudyStore;
  readonly registry: ModelRegistryStore;
  /** A run's status as people read it (`interrupted`: its process is gone). */
  liveStatus(run: { readonly id: string; readonly status: 'running' | 'completed' | 'failed' }): Promise<LiveRunStatus>;
  /** Deletes a run's records as `deepline runs delete` does (deleteRun: a run in progress is refused). */
  deleteRun(id: string): Promise<RunRecord>;
  close(): Promise<void>;
}

/**
 * Opens a workspace for the dashboard through `openStores`, the one factory `deepline run` and
 * every other command use, so the dashboard reads the embedded stores or PostgreSQL alike. The
 * UI only reads (promote and rollback go through the registry's own atomic methods, deleting a
 * run through deleteRun, under the run's lock); SQLite's WAL
 * mode lets it read while a `deepline run` in another process writes, and its busy timeout
 * covers the writer's locks. A folder that holds no workspace is refused rather than created
 * (with a store URL, the stores are the database's, and `home` only holds local caches).
 */
export async function openUiWorkspace(home: string, options: Omit<OpenStoresOptions, 'home'> = {}): Promise<UiWorkspace> {
  const root = resolve(home);
  if (options.storeUrl === undefined && !existsSync(root)) {
    throw new DeeplineError('DL_DATA_MISSING', `there is no deepline workspace at ${root}`, {
      hint: 'run a task first (`deepline run <task-file>` creates .deepline/), or point --workspace (or --home) at an existing one',
    });
  }
  const stores = await openStores({ home: root, ...options });
  return {
    home: stores.home,
    location: stores.location,
    metadata: stores.metadata,
    artifacts: stores.artifacts,
    studies: stores.studies,
    registry: stores.registry,
    liveStatus: (run) => stores.locks.status(run),
    deleteRun: (id) => deleteRun(stores, id),
    close: () => stores.close(),
  };
}

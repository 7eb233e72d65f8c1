import type { ModelRegistryStore } from '../model-registry/model-registry-store.ts';
import { openModelRegistry } from '../model-registry/open-model-registry.ts';
import { openWorkspace, type Workspace } from '../store/workspace.ts';

/** Every store of a workspace, the model registry included, opened together. */
export interface Stores extends Workspace {
  readonly registry: ModelRegistryStore;
}

export interface OpenStoresOptions {
  /** The local folder (`.deepline/`): the embedded stores, or logs, scratch and the artifact cache beside PostgreSQL. */
  readonly home: string;
  /** A PostgreSQL URL; absent: the embedded stores under `home`. See `resolveStoreUrl` for where the CLI takes it from. */
  readonly storeUrl?: string;
  /** Names where `storeUrl` came from in a DL_STORE_URL error (`--store`, `DEEPLINE_STORE_URL`, ...). */
  readonly storeUrlSource?: string;
}

/**
 * The one way to open deepline's stores, for `deepline run` and every command that reads what it
 * recorded, for queue workers on other machines and for the dashboard: `{ metadata, studies,
 * artifacts, registry, locks, close }`, embedded (SQLite and files under `home`) or in PostgreSQL
 * when `storeUrl` is given. `close` closes them all.
 */
export async function openStores(options: OpenStoresOptions): Promise<Stores> {
  const workspace = await openWorkspace(options.home, {
    ...(options.storeUrl !== undefined && { storeUrl: options.storeUrl }),
    ...(options.storeUrlSource !== undefined && { storeUrlSource: options.storeUrlSource }),
  });
  let registry: ModelRegistryStore | undefined;
  return Object.freeze({
    home: workspace.home,
    location: workspace.location,
    metadata: workspace.metadata,
    artifacts: workspace.artifacts,
    get studies() {
      return workspace.studies;
    },
    get registry(): ModelRegistryStore {
      registry ??= openModelRegistry(workspace);
      return registry;
    },
    locks: workspace.locks,
    ...(workspace.postgres && { postgres: workspace.postgres }),
    async close() {
      await registry?.close();
      await workspace.close();
    },
  });
}

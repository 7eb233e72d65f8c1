import { join } from 'node:path';
import type { PgDatabase } from '../store/postgres/pg-database.ts';
import type { ModelRegistryStore } from './model-registry-store.ts';
import { PgModelRegistryStore } from './pg-model-registry-store.ts';
import { SqliteModelRegistryStore } from './sqlite-model-registry-store.ts';

/**
 * The model registry of a workspace: in PostgreSQL beside the other stores when the workspace
 * lives there (closing it leaves the shared database to the workspace), else its tables in
 * `<home>/metadata.db`, beside the runs they link to.
 */
export function openModelRegistry(workspace: { readonly home: string; readonly postgres?: PgDatabase }): ModelRegistryStore {
  if (workspace.postgres) return PgModelRegistryStore.create(workspace.postgres);
  return new SqliteModelRegistryStore(join(workspace.home, 'metadata.db'));
}

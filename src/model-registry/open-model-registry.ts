import { join } from 'node:path';
import type { ModelRegistryStore } from './model-registry-store.ts';
import { SqliteModelRegistryStore } from './sqlite-model-registry-store.ts';

/** The model registry of a workspace: its tables in `<home>/metadata.db`, beside the runs they link to. */
export function openModelRegistry(workspace: { readonly home: string }): ModelRegistryStore {
  return new SqliteModelRegistryStore(join(workspace.home, 'metadata.db'));
}

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createDefaultContext } from '../context/deepline-context.ts';
import { DeeplineError } from '../errors/index.ts';
import type { ModelRegistryStore } from '../model-registry/model-registry-store.ts';
import { openModelRegistry } from '../model-registry/open-model-registry.ts';
import type { ArtifactStore } from '../store/artifacts/artifact-store.ts';
import type { MetadataStore } from '../store/metadata/metadata-store.ts';
import type { StudyStore } from '../store/metadata/study-store.ts';
import type { LiveRunStatus } from '../store/run-locks.ts';
import { openWorkspace } from '../store/workspace.ts';

/** The stores `deepline ui` reads (and, for actions, the registry it writes), opened once. */
export interface UiWorkspace {
  /** Absolute path of the workspace folder. */
  readonly home: string;
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly studies: StudyStore;
  readonly registry: ModelRegistryStore;
  /** A run's status as people read it (`interrupted`: its process is gone). */
  liveStatus(run: { readonly id: string; readonly status: 'running' | 'completed' | 'failed' }): Promise<LiveRunStatus>;
  close(): Promise<void>;
}

/**
 * Opens a workspace for the dashboard the way `deepline run` opens it — `openWorkspace` for the
 * metadata and artifact stores, the run context for the study store, the registry beside them —
 * so another store implementation reaches the dashboard with no change here. The UI only reads
 * (promote and rollback go through the registry's own atomic methods); SQLite's WAL mode lets it
 * read while a `deepline run` in another process writes, and its busy timeout covers the writer's
 * locks. A folder that holds no workspace is refused rather than created.
 */
export async function openUiWorkspace(home: string): Promise<UiWorkspace> {
  const root = resolve(home);
  if (!existsSync(root)) {
    throw new DeeplineError('DL_DATA_MISSING', `there is no deepline workspace at ${root}`, {
      hint: 'run a task first (`deepline run <task-file>` creates .deepline/), or point --workspace (or --home) at an existing one',
    });
  }
  const workspace = await openWorkspace(root);
  const context = await createDefaultContext({ home: workspace.home });
  const registry = openModelRegistry(workspace);
  return {
    home: workspace.home,
    metadata: workspace.metadata,
    artifacts: workspace.artifacts,
    // The workspace's own study store where it has one (PostgreSQL too); else the run context's.
    studies: (workspace as Partial<{ readonly studies: StudyStore }>).studies ?? context.studies(),
    registry,
    liveStatus: async (run) => workspace.locks.status(run),
    async close() {
      await registry.close();
      await context.close();
      await workspace.close();
    },
  };
}

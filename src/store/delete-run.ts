import { DeeplineError } from '../errors/index.ts';
import type { RunRecord } from './metadata/metadata-store.ts';
import type { Workspace } from './workspace.ts';

/**
 * Deletes a run from a workspace's metadata (`deepline runs delete`, the dashboard's delete
 * action): its record, steps, params, metrics and lineage. The run's lock is held while it goes,
 * so a run in progress — or one a `deepline run` resumes at that moment — is refused with
 * DL_RUN_LOCKED and keeps everything. Artifacts stay in the store (other runs and caches share
 * them by content), and so do the output folder and any registered model version: those belong
 * to their owners, not to the run's record.
 */
export async function deleteRun(workspace: Pick<Workspace, 'metadata' | 'locks'>, id: string): Promise<RunRecord> {
  const run = await workspace.metadata.getRun(id);
  if (!run) throw runNotFound(`no run "${id}" in this workspace`);
  const lock = await workspace.locks.lockRun(id);
  try {
    if (!(await workspace.metadata.deleteRun(id))) throw runNotFound(`run "${id}" was deleted meanwhile`);
    return run;
  } finally {
    await lock.release();
  }
}

function runNotFound(message: string): DeeplineError {
  return new DeeplineError('DL_RUN_NOT_FOUND', message, { hint: '`deepline runs` lists the runs and their ids' });
}

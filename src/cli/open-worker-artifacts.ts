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
 * Opens the store a worker fetches trial data from by hash: a workspace folder (`.deepline/`,
 * shared by a network file system, say), whose artifacts it reads in place.
 */
export async function openWorkerArtifacts(location: string): Promise<WorkerArtifacts> {
  if (/^postgres(ql)?:\/\//.test(location)) {
    throw new DeeplineError('DL_USAGE', `--store ${location.replace(/\/\/[^@/]*@/, '//…@')}: this deepline has no PostgreSQL artifact store yet`, {
      hint: 'give the search driver\'s workspace folder (e.g. on a shared file system), or leave --store out when the workers see the driver\'s data paths',
    });
  }
  const home = resolve(location);
  const found = await stat(home).catch(() => undefined);
  if (!found?.isDirectory()) {
    throw new DeeplineError('DL_USAGE', `--store ${location} is not a folder: give the search driver's workspace folder (its .deepline/)`, { hint: 'or a PostgreSQL URL, postgres://user@host/db' });
  }
  const { openWorkspace } = await import('../store/workspace.ts');
  const workspace = await openWorkspace(home);
  return { store: workspace.artifacts, describe: home, close: () => workspace.close() };
}

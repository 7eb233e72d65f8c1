import { hostname } from 'node:os';
import * as path from 'node:path';
import { DeeplineError } from '../errors/index.ts';
import type { RunRecord } from './metadata/metadata-store.ts';
import { WorkspaceLock, type LockHolder } from './workspace-lock.ts';

/** A run's status as people should read it: `interrupted` is a `running` run whose process is gone. */
export type LiveRunStatus = RunRecord['status'] | 'interrupted';

/**
 * The locks that give each run one writer, in a workspace: one per run (taken by whoever writes
 * that run's records) and one per output folder (so two runs never publish into one folder, which
 * also keeps a second `deepline run` of the same task from attaching to the first one's run).
 * Both are released by the kernel when their process dies, so a killed run's locks are free for
 * the next run to take over.
 */
export class RunLocks {
  readonly home: string;

  constructor(home: string) {
    this.home = path.resolve(home);
  }

  /** Takes the lock on a task's output folder, or throws DL_RUN_LOCKED naming the run that holds it. */
  lockOutput(outputDir: string): WorkspaceLock {
    const name = outputLockName(outputDir);
    return WorkspaceLock.tryAcquire(this.home, name, '') ?? this.fail(name, `publishing to ${path.resolve(outputDir)}`);
  }

  /** Takes the lock on a run, or throws DL_RUN_LOCKED naming the process that holds it. */
  lockRun(runId: string): WorkspaceLock {
    const name = runLockName(runId);
    return WorkspaceLock.tryAcquire(this.home, name, runId) ?? this.fail(name, undefined, runId);
  }

  /** Whether a live process is writing this run now. */
  isLive(runId: string): boolean {
    return WorkspaceLock.isHeld(this.home, runLockName(runId));
  }

  /** The run's status, with `running` turned into `interrupted` when no live process holds it. */
  status(run: Pick<RunRecord, 'id' | 'status'>): LiveRunStatus {
    return run.status === 'running' && !this.isLive(run.id) ? 'interrupted' : run.status;
  }

  private fail(name: string, doing: string | undefined, runId?: string): never {
    const holder: LockHolder | undefined = WorkspaceLock.lastHolder(this.home, name);
    const id = holder?.runId || runId;
    const who = holder ? ` (pid ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`})` : '';
    const what = id ? `run ${id} is in progress${who}` : `another deepline run is in progress${who}`;
    throw new DeeplineError('DL_RUN_LOCKED', doing ? `${what}, ${doing}` : what, {
      hint: `wait for it to finish${holder ? `, or stop it (kill ${holder.pid})` : ''}; nothing was changed. A run whose process has ended is taken over by the next \`deepline run\`, which resumes it`,
    });
  }
}

function runLockName(runId: string): string {
  return `run-${runId}`;
}

function outputLockName(outputDir: string): string {
  return `output:${path.resolve(outputDir)}`;
}

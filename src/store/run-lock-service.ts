import type { RunRecord } from './metadata/metadata-store.ts';
import type { LiveRunStatus, RunLocks } from './run-locks.ts';

/** A lock a process holds while it writes a run or publishes into a folder. */
export interface HeldRunLock {
  /** Records the run this holder works on (a lock may be taken before the run is chosen). */
  describe(runId: string): Promise<void>;
  /** Releases the lock; safe to call more than once. */
  release(): Promise<void>;
}

/**
 * One writer per run, whatever the stores: the workspace's lock files for the embedded stores
 * (RunLocks), PostgreSQL advisory locks when the stores are shared between machines
 * (PgRunLocks). A lock is released when its holder ends, however it ends, so a killed run's locks
 * are free for the next run, which resumes it. Taking a held lock throws DL_RUN_LOCKED naming
 * the holder.
 */
export interface RunLockService {
  /** Takes the lock on a task's output folder (on this machine). */
  lockOutput(outputDir: string): Promise<HeldRunLock>;
  /** Takes the lock on a run. */
  lockRun(runId: string): Promise<HeldRunLock>;
  /** Whether a live process is writing this run now. */
  isLive(runId: string): Promise<boolean>;
  /** The run's status, with `running` turned into `interrupted` when no live process holds it. */
  status(run: Pick<RunRecord, 'id' | 'status'>): Promise<LiveRunStatus>;
}

/** The workspace's file locks behind the RunLockService interface. */
export function fileRunLockService(locks: RunLocks): RunLockService {
  const held = (lock: { describe(runId: string): void; release(): void }): HeldRunLock => ({
    describe: async (runId) => lock.describe(runId),
    release: async () => lock.release(),
  });
  return Object.freeze({
    lockOutput: async (outputDir: string) => held(locks.lockOutput(outputDir)),
    lockRun: async (runId: string) => held(locks.lockRun(runId)),
    isLive: async (runId: string) => locks.isLive(runId),
    status: async (run: Pick<RunRecord, 'id' | 'status'>) => locks.status(run),
  });
}

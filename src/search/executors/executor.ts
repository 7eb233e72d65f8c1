import type { TrialJob, TrialProgress, TrialResult, TrialStart } from './trial-job.ts';

/** Called as a submitted trial advances; listeners are given at submit, so none can miss an event. */
export interface TrialListeners {
  onStart?(start: TrialStart): void;
  onProgress?(progress: TrialProgress): void;
}

export interface TrialHandle {
  readonly trialId: number;
  /** Settles once, never rejects: a crashed worker or a thrown error gives a `failed` result. */
  readonly result: Promise<TrialResult>;
  /**
   * Asks the trial to end: a queued one never starts, a running one stops at its next batch and
   * reports `stopped`. Calling it after the end does nothing.
   */
  stop(): void;
}

/**
 * Runs trials somewhere else (worker processes, a job queue), at most `size` at a time; the rest
 * wait in submission order. A worker that crashes fails its trial only and is replaced, so the
 * executor keeps its size. Kept small so a queue-backed executor can implement it as well;
 * `executorConformance` checks an implementation against this contract.
 */
export interface TrialExecutor {
  /** How many trials run at once. */
  readonly size: number;
  submit(job: TrialJob, listeners?: TrialListeners): TrialHandle;
  /**
   * Resolves once the executor's workers can start a trial at once (their processes up, the
   * model families loaded), so a trial's clock does not count a worker's boot; never rejects. An
   * executor whose workers live elsewhere and are already up may leave it out.
   */
  ready?(): Promise<void>;
  /**
   * Stops every trial, settles every handle (queued ones, and running ones that stop in time, as
   * `stopped`), and releases the workers. A job submitted afterwards settles `failed` at once and
   * never starts.
   */
  close(): Promise<void>;
}

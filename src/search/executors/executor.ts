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
 * wait in submission order. Kept small so a queue-backed executor can implement it as well.
 */
export interface TrialExecutor {
  /** How many trials run at once. */
  readonly size: number;
  submit(job: TrialJob, listeners?: TrialListeners): TrialHandle;
  /** Stops every trial, settles every handle, and releases the workers. */
  close(): Promise<void>;
}

import type { TrialJob, TrialProgress, TrialResult, TrialStart } from './trial-job.ts';

/** Parent → worker, over Node IPC: run one job (a worker runs one at a time), or stop it. */
export type ToWorker = { readonly type: 'run'; readonly job: TrialJob } | { readonly type: 'stop'; readonly trialId: number };

/**
 * Worker → parent: `ready` once, when it has booted; per job `start`, then zero or more
 * `progress`, then exactly one `result`; `notice` at any time, for a message the user should read
 * once (the parent de-duplicates).
 */
export type FromWorker =
  | { readonly type: 'ready' }
  | ({ readonly type: 'start' } & TrialStart)
  | ({ readonly type: 'progress' } & TrialProgress)
  | { readonly type: 'result'; readonly result: TrialResult }
  | { readonly type: 'notice'; readonly message: string };

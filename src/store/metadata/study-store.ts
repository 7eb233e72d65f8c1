import type { Params } from '../../search/space.ts';
import type { Direction, TrialRecord, TrialState } from '../../search/trial.ts';

export interface StudyObjective {
  readonly name: string;
  readonly direction: Direction;
}

export interface StudyRecord {
  readonly name: string;
  readonly objectives: readonly StudyObjective[];
  readonly seed: number;
  readonly createdAt: string;
}

/** Why a trial was rejected before it trained: a hard constraint, or too slow for the time it had. */
export type RejectReason = 'constraint' | 'time';

/** A trial as stored: the sampler's view plus its place in the study and its retry lineage. */
export interface StoredTrial extends TrialRecord {
  readonly study: string;
  /** 0-based position in the study, in creation order. */
  readonly number: number;
  /** The interrupted trial whose parameters this one re-runs. */
  readonly retryOf?: number;
  /** Set when the process running it died: the trial is `failed` and queued for a re-run. */
  readonly interrupted?: true;
  /** Set when the trial was rejected before training (stored as `pruned`, or `failed` past the deadline). */
  readonly rejectedFor?: RejectReason;
}

/** The final result of a trial; only a `running` trial can receive one. */
export interface TrialOutcome {
  readonly state: Exclude<TrialState, 'running'>;
  readonly values?: readonly number[];
  readonly error?: string;
  readonly interrupted?: boolean;
  readonly rejectedFor?: RejectReason;
}

/**
 * Where studies and their trials live. Contract for every implementation:
 * - each method is atomic and durable once its promise resolves (a killed process loses at most
 *   the call in flight);
 * - trials are append-only apart from one transition, `running` → final (`updateTrial`);
 *   a finished trial never changes again, and intermediate values only accumulate, one per step;
 * - records are returned frozen, trials in creation order;
 * - values may be NaN or ±Infinity (a diverged trial) and come back non-finite (±Infinity may
 *   come back as NaN);
 * - several handles (processes) may share one storage: numbers never repeat, and of two calls
 *   ending the same trial or reporting the same step, one fails;
 * - a broken rule is a DL_STORE error. `studyStoreConformance` checks all of this.
 */
export interface StudyStore {
  /** Throws DL_STORE when a study of that name exists. */
  createStudy(study: { name: string; objectives: readonly StudyObjective[]; seed: number }): Promise<StudyRecord>;
  getStudy(name: string): Promise<StudyRecord | undefined>;
  /**
   * Adds a `running` trial, numbered after the study's last one. A `retryOf` trial is re-run at
   * most once, so two processes resuming one study cannot both take it.
   */
  addTrial(study: string, trial: { params: Params; retryOf?: number }): Promise<StoredTrial>;
  updateTrial(id: number, outcome: TrialOutcome): Promise<StoredTrial>;
  /** Records one intermediate result of a running trial; a step may be recorded once. */
  appendIntermediate(id: number, step: number, values: readonly number[]): Promise<void>;
  listTrials(study: string): Promise<StoredTrial[]>;
  /** One trial with its intermediate results, or undefined for an unknown id: a running trial's reports read this, not the whole study. */
  getTrial(id: number): Promise<StoredTrial | undefined>;
  close(): Promise<void>;
}

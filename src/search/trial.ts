import type { Params } from './space.ts';

/** Where a trial is in its life: `running` until told; the other three are final. */
export type TrialState = 'complete' | 'pruned' | 'failed' | 'running';

/** Which way an objective is better. */
export type Direction = 'minimize' | 'maximize';

/** One reported intermediate result: `value` is the first objective, `values` all of them. */
export interface IntermediateValue {
  readonly step: number;
  readonly value: number;
  /** Present when the study has several objectives (then `values[0] === value`). */
  readonly values?: readonly number[];
}

/**
 * One trial as samplers and schedulers see it: the parameters tried, its state, and its results.
 * `value` is the first (or only) objective; `values` holds every objective of a multi-objective
 * study. Timestamps are ISO-8601 strings.
 */
export interface TrialRecord {
  readonly id: number;
  readonly params: Params;
  readonly state: TrialState;
  readonly value?: number;
  readonly values?: readonly number[];
  readonly intermediate?: readonly IntermediateValue[];
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly error?: string;
}

import type { StepProgress } from './step.ts';

/** How a step ended: run now, reused from an earlier identical run, or failed. */
export type StepEndStatus = 'completed' | 'cached' | 'failed';

/**
 * What the runner reports while it works, for progress reporters, the dashboard and tests.
 * Every event names its run; times are milliseconds. A cached step gets only a `step-end`.
 */
export type PipelineEvent =
  | { readonly type: 'run-start'; readonly runId: string; readonly steps: readonly string[] }
  | {
      readonly type: 'step-start';
      readonly runId: string;
      readonly step: string;
      readonly description?: string;
      /** 0-based position in the run's step order, and the number of steps. */
      readonly index: number;
      readonly total: number;
    }
  | {
      readonly type: 'step-progress';
      readonly runId: string;
      readonly step: string;
      readonly progress: Readonly<StepProgress>;
      readonly elapsedMs: number;
    }
  | {
      readonly type: 'step-end';
      readonly runId: string;
      readonly step: string;
      readonly status: StepEndStatus;
      readonly durationMs: number;
      readonly index: number;
      readonly total: number;
      /** The failure's message, for `failed`. */
      readonly error?: string;
    }
  | {
      readonly type: 'run-end';
      readonly runId: string;
      readonly status: 'completed' | 'failed';
      readonly durationMs: number;
      /** Steps per end status. */
      readonly counts: Readonly<Record<StepEndStatus, number>>;
    };

/** Receives pipeline events; must not throw (the runner logs and ignores it if it does). */
export type PipelineEventListener = (event: PipelineEvent) => void;

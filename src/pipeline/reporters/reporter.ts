import type { PipelineEvent } from '../events.ts';

/** Shows a run's progress to a person. Pass `onEvent` to `runPipeline`; call `close` when done. */
export interface Reporter {
  onEvent(event: PipelineEvent): void;
  /** Stops any live display (timers, bars); safe to call twice. */
  close(): void;
}

/** Where reporters write: stderr, or any writable stream in tests. */
export type ReporterStream = NodeJS.WritableStream & { isTTY?: boolean };

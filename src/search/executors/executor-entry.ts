import type { ExecutorSettings } from '../../task/task-spec.ts';
import type { TrialExecutor } from './executor.ts';

/** What a search asks of a new executor. */
export interface ExecutorOptions {
  /** Trials at once. */
  readonly workers: number;
  /** Module paths of the run's plugins: workers load them so trials see the same registries. */
  readonly plugins: readonly string[];
  /** Where workers' notices go (the run de-duplicates them). */
  readonly onNotice?: (message: string) => void;
  /** The task file's `executor:` (where a queue is, say); absent: the entry's defaults. */
  readonly settings?: ExecutorSettings;
}

/** A registry entry: how trials are run (`local` worker processes; a queue-backed one at scale). */
export interface ExecutorEntry {
  readonly name: string;
  readonly description: string;
  /** Settings it cannot work with throw here, before anything loads; the executor may load its modules first. */
  create(options: ExecutorOptions): TrialExecutor | Promise<TrialExecutor>;
}

import type { PriorTask } from '../formats/prior-task.ts';

/** A task to record: its time is set by the store. */
export type NewPriorTask = Omit<PriorTask, 'createdAt'>;

/**
 * Past tasks of a workspace — their meta-features and best configurations — that warm-start new
 * searches. Contract for every implementation:
 * - each method is atomic and durable once its promise resolves;
 * - `put` replaces a task of the same name whole (a resumed study records itself again with
 *   more trials), so a name is never listed twice;
 * - records are returned frozen, `list` in the order the names were first put;
 * - a task without configurations, or with a non-finite error, is a DL_PRIOR error: the warm start
 *   would have nothing sound to seed from.
 * `priorStoreConformance` checks all of this.
 */
export interface PriorStore {
  put(task: NewPriorTask): Promise<PriorTask>;
  get(name: string): Promise<PriorTask | undefined>;
  list(): Promise<PriorTask[]>;
  /** Whether a task of that name was there. */
  remove(name: string): Promise<boolean>;
  close(): Promise<void>;
}

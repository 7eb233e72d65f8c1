import type { Pipeline } from '../pipeline/pipeline.ts';
import type { SupportedTask } from '../task/task-types.ts';
import type { TaskSpec } from '../task/task-spec.ts';

/**
 * What the user gets in the task's `output` folder: a pipeline output (`step.output`) → the
 * name it is published under. Directories are copied whole; JSON artifacts become `<name>`.
 */
export type Publication = Readonly<Record<string, string>>;

/**
 * One task type's pipeline: the glue code a user would otherwise write, written once. A template
 * reads the validated TaskSpec and returns the steps; it never runs them.
 */
export interface Template {
  readonly task: SupportedTask;
  readonly description: string;
  buildPipeline(spec: TaskSpec): Promise<Pipeline>;
  /** Which outputs are copied into `spec.output` after a successful run. */
  publish(spec: TaskSpec): Publication;
}

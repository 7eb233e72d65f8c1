/**
 * Every task type a task file may name. Only the supported ones have a template today; the
 * planned ones are accepted by the schema so that the CLI can say "not supported yet"
 * (DL_TASK_TYPE) instead of "unknown value".
 */
export const TASK_TYPES = [
  'image-classification',
  'tabular-classification',
  'tabular-regression',
  'text-classification',
  'time-series-forecasting',
] as const;

export type TaskType = (typeof TASK_TYPES)[number];

export const SUPPORTED_TASKS = [
  'image-classification',
  'tabular-classification',
  'tabular-regression',
  'text-classification',
  'time-series-forecasting',
] as const satisfies readonly TaskType[];

export type SupportedTask = (typeof SUPPORTED_TASKS)[number];

export const PLANNED_TASKS = TASK_TYPES.filter(
  (t): t is Exclude<TaskType, SupportedTask> => !(SUPPORTED_TASKS as readonly string[]).includes(t),
);

export function isSupportedTask(task: string): task is SupportedTask {
  return (SUPPORTED_TASKS as readonly string[]).includes(task);
}

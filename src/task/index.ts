export { loadTaskFile } from './load-task.ts';
export { parseTaskObject, type ParseTaskOptions } from './parse-task-object.ts';
export { inferTask, SNIFF_ROWS, type TaskInference, type InferenceDetails } from './infer-task.ts';
export { inferFormat } from '../data/readers/infer-format.ts';
export { DATA_FORMATS, TABLE_FORMATS, type DataFormat } from '../data/readers/data-formats.ts';
export { renderTaskYaml } from './render-task.ts';
export { TaskSpecError, type TaskIssue } from './task-spec-error.ts';
export { CROSS_CHECKS, type CrossCheck, type TaskDraft } from './cross-checks.ts';
export { TASK_DEFAULTS, COMMON_DEFAULTS, type TaskTypeDefaults } from './task-defaults.ts';
export { TASK_TYPES, SUPPORTED_TASKS, PLANNED_TASKS, isSupportedTask, type TaskType, type SupportedTask } from './task-types.ts';
export { didYouMean } from '../extensions/did-you-mean.ts';
export {
  taskFileSchema,
  METRICS,
  ENGINES,
  type TaskSpec,
  type TaskFile,
  type TaskOverrides,
  type Metric,
  type ImageShape,
  type TrainSettings,
} from './task-spec.ts';

import type { FieldProblem } from './describe-issue.ts';
import { TASK_DEFAULTS } from './task-defaults.ts';
import { GATE_METRICS_BY_PREDICTION } from './release-gates.ts';
import { isPluginFormat, TABLE_FORMATS } from '../data/readers/data-formats.ts';
import type { TaskFile } from './task-spec.ts';
import { PLANNED_TASKS, SUPPORTED_TASKS, isSupportedTask, type TaskType } from './task-types.ts';

/** What the cross-field checks see: the fields as written (schema-valid) plus what was inferred. */
export interface TaskDraft {
  readonly file: TaskFile;
  /** `data.format` as written (a built-in format or a plugin reader's), or inferred from the path. */
  readonly format: string;
  /** `task` as written, or inferred from the data; undefined only before inference. */
  readonly task?: TaskType;
  /** Why the task was inferred as it was, when the file left it out. */
  readonly taskReason?: string;
}

export interface CrossCheck {
  /** Names the rule in tests and docs, e.g. `split-sums-to-one`. */
  readonly name: string;
  /** Checks that need the task type run after it has been inferred from the data. */
  readonly needsTask: boolean;
  check(draft: TaskDraft): FieldProblem[];
}

/** The tasks whose templates read a plugin's dataset: those with dataset stages (supervised-pipeline.ts). */
const PLUGIN_FORMAT_TASKS: readonly TaskType[] = ['tabular-classification', 'tabular-regression', 'image-classification'];

const isTableFormat = (format: string): boolean => (TABLE_FORMATS as readonly string[]).includes(format);

/**
 * Phase two of validation: rules between fields, each named. They run only on schema-valid
 * input, and each returns every problem it finds so the user sees them all at once.
 */
export const CROSS_CHECKS: readonly CrossCheck[] = [
  {
    name: 'split-sums-to-one',
    needsTask: false,
    check: ({ file }) => {
      if (file.split === undefined) return [];
      const { train, validation, test } = file.split;
      const sum = train + validation + test;
      if (Math.abs(sum - 1) <= 1e-6) return [];
      return [problem(['split'], `train + validation + test must add up to 1, but they add up to ${round(sum)}`)];
    },
  },
  {
    name: 'test-split-needs-own-test-set',
    needsTask: false,
    check: ({ file, format }) =>
      file.split?.test === 0 && format !== 'idx'
        ? [problem(['split', 'test'], `may be 0 only for IDX data, which brings its own test files; format ${format} needs a test share > 0`)]
        : [],
  },
  {
    name: 'target-for-table-formats',
    needsTask: false,
    check: ({ file, format }) =>
      isTableFormat(format) && file.data.target === undefined
        ? [problem(['data', 'target'], `required for ${format} data: name the column that holds the labels`)]
        : [],
  },
  {
    name: 'no-target-for-folder-formats',
    needsTask: false,
    check: ({ file, format }) => {
      // An image list is a CSV of path,label rows: its label column may be named by `target`;
      // a plugin's reader is given `target` and decides what it means.
      if (isTableFormat(format) || format === 'image-list' || isPluginFormat(format) || file.data.target === undefined) return [];
      const labels = format === 'image-folder' ? 'the class is the name of each image\'s subfolder' : 'the labels come from the *-idx1-ubyte file';
      return [problem(['data', 'target'], `not used with ${format} data (${labels}); remove it`)];
    },
  },
  {
    name: 'header-for-delimited-formats',
    needsTask: false,
    check: ({ file, format }) =>
      file.data.header !== undefined && format !== 'csv' && format !== 'tsv' && format !== 'image-list'
        ? [problem(['data', 'header'], `applies to csv, tsv and image-list files, which have a header line; ${format} data has none: remove it`)]
        : [],
  },
  {
    name: 'classes-are-unique',
    needsTask: false,
    check: ({ file }) => {
      const classes = file.data.classes ?? [];
      return classes.flatMap((c, i) =>
        classes.indexOf(c) < i ? [problem(['data', 'classes', i], `\`${c}\` is listed twice (first at position ${classes.indexOf(c) + 1})`)] : [],
      );
    },
  },
  {
    name: 'train-epochs-within-budget',
    needsTask: false,
    check: ({ file }) => {
      const epochs = file.train?.epochs;
      const cap = file.budget?.epochs;
      return epochs !== undefined && cap !== undefined && epochs > cap
        ? [problem(['train', 'epochs'], `is ${epochs}, more than budget.epochs (${cap}); lower it or raise the budget`)]
        : [];
    },
  },
  {
    name: 'task-is-supported',
    needsTask: true,
    check: ({ file, task, taskReason }) => {
      if (task === undefined || isSupportedTask(task)) return [];
      const later = PLANNED_TASKS.length > 0 ? `; coming later: ${PLANNED_TASKS.join(', ')}` : '';
      const supported = `supported now: ${SUPPORTED_TASKS.join(', ')}${later}`;
      if (file.task !== undefined) return [problem(['task'], `${task} is not supported yet (${supported})`, 'DL_TASK_TYPE')];
      return [problem(['data', 'path'], `the data looks like ${task} (${taskReason}), which is not supported yet (${supported})`, 'DL_TASK_TYPE')];
    },
  },
  {
    name: 'metric-fits-task',
    needsTask: true,
    check: ({ file, task }) => {
      if (task === undefined || file.metric === undefined) return [];
      const fitting = TASK_DEFAULTS[task].metrics;
      return fitting.includes(file.metric)
        ? []
        : [problem(['metric'], `${file.metric} does not fit ${task}; use ${fitting.join(' or ')}`)];
    },
  },
  {
    name: 'format-fits-task',
    needsTask: true,
    check: ({ file, task, format }) => {
      if (task === undefined) return [];
      const inferred = file.data.format === undefined ? ' (inferred from the path)' : '';
      // A plugin's reader returns examples as tensors, which the dataset stages of these tasks take.
      if (isPluginFormat(format)) {
        return PLUGIN_FORMAT_TASKS.includes(task)
          ? []
          : [problem(['data', 'format'], `${format} is a plugin's format, read as a dataset; task ${task} needs ${TABLE_FORMATS.join(', ')} data (plugin formats serve ${PLUGIN_FORMAT_TASKS.join(', ')})`)];
      }
      if (task !== 'image-classification' && !isTableFormat(format)) {
        return [problem(['data', 'format'], `${format}${inferred} holds images, but task ${task} needs ${TABLE_FORMATS.join(', ')} data`)];
      }
      return [];
    },
  },
  {
    name: 'image-shape-for-table-images',
    needsTask: true,
    check: ({ file, task, format }) =>
      task === 'image-classification' && isTableFormat(format) && file.data.image === undefined
        ? [problem(['data', 'image'], `required for image-classification from ${format} data: give { width, height, channels } to reshape the pixel columns`)]
        : [],
  },
  {
    name: 'image-only-for-image-tasks',
    needsTask: true,
    check: ({ file, task }) =>
      task !== undefined && task !== 'image-classification' && file.data.image !== undefined
        ? [problem(['data', 'image'], `only used by image tasks, but the task is ${task}; remove it or set \`task: image-classification\``)]
        : [],
  },
  {
    name: 'classes-only-for-classification',
    needsTask: true,
    check: ({ file, task }) =>
      task !== undefined && TASK_DEFAULTS[task].predicts === 'value' && file.data.classes !== undefined
        ? [problem(['data', 'classes'], `only used by classification tasks, but the task is ${task}`)]
        : [],
  },
  {
    name: 'time-column-for-series',
    needsTask: true,
    check: ({ file, task }) =>
      task === 'time-series-forecasting' && file.data.time === undefined
        ? [problem(['data', 'time'], 'required for time-series-forecasting: name the column that orders the rows (e.g. `time: date`)')]
        : [],
  },
  {
    name: 'series-only-for-forecasting',
    needsTask: true,
    check: ({ file, task }) =>
      task !== undefined && task !== 'time-series-forecasting' && file.series !== undefined
        ? [problem(['series'], `only used by time-series-forecasting, but the task is ${task}; remove it or set \`task: time-series-forecasting\``)]
        : [],
  },
  {
    name: 'security-gate-complete',
    needsTask: false,
    check: ({ file }) => {
      const gate = file.security;
      if (gate === undefined || (gate.epsilon === undefined) === (gate.minRobustAccuracy === undefined)) return [];
      const [given, missing] = gate.epsilon === undefined ? ['minRobustAccuracy', 'epsilon'] : ['epsilon', 'minRobustAccuracy'];
      return [problem(['security', given], `the release gate needs both security.epsilon and security.minRobustAccuracy; add security.${missing}`)];
    },
  },
  {
    name: 'security-gate-needs-measurement',
    needsTask: false,
    check: ({ file }) =>
      file.security?.enabled === false && file.security.minRobustAccuracy !== undefined
        ? [problem(['security', 'enabled'], 'false turns off the robustness measurement the release gate (security.minRobustAccuracy) reads; remove the gate or the `enabled: false`')]
        : [],
  },
  {
    name: 'fgsm-takes-one-step',
    needsTask: false,
    check: ({ file }) => {
      const adversarial = file.train?.adversarial;
      return adversarial?.attack === 'fgsm' && adversarial.steps !== undefined && adversarial.steps !== 1
        ? [problem(['train', 'adversarial', 'steps'], `FGSM takes one step, but got ${adversarial.steps}; use \`attack: pgd\` for several`)]
        : [];
    },
  },
  {
    name: 'security-for-classification',
    needsTask: true,
    check: ({ file, task }) => {
      if (task === undefined || TASK_DEFAULTS[task].predicts === 'class') return [];
      return [
        ...(file.security?.minRobustAccuracy !== undefined ? [problem(['security', 'minRobustAccuracy'], `the release gate measures accuracy under attack, which applies to classification, but the task is ${task}`)] : []),
        ...(file.train?.adversarial !== undefined ? [problem(['train', 'adversarial'], `adversarial training applies to classification, but the task is ${task}`)] : []),
      ];
    },
  },
  {
    name: 'adversarial-training-for-continuous-inputs',
    needsTask: true,
    check: ({ file, task }) =>
      task === 'text-classification' && file.train?.adversarial !== undefined
        ? [problem(['train', 'adversarial'], 'perturbs continuous inputs (images, table features); a text is token ids, which the robustness step attacks with token-swap but training cannot: remove it')]
        : [],
  },
  {
    name: 'gates-fit-task',
    needsTask: true,
    check: ({ file, task }) => {
      if (task === undefined || file.gates === undefined) return [];
      const fitting = GATE_METRICS_BY_PREDICTION[TASK_DEFAULTS[task].predicts];
      return Object.keys(file.gates)
        .filter((metric) => !(fitting as readonly string[]).includes(metric))
        .map((metric) => problem(['gates', metric], `${metric} is not measured for ${task}; gate on ${fitting.join(', ')}`));
    },
  },
  {
    name: 'compress-asks-for-something',
    needsTask: false,
    check: ({ file }) => {
      const c = file.compress;
      if (c === undefined || c === 'auto' || c.auto === true || c.prune !== undefined || (c.quantize !== undefined && c.quantize !== 'none')) return [];
      return [problem(['compress'], 'names neither a pruning nor a quantization: add `prune: 0.5`, `quantize: int8` (or float16), or write `compress: auto`')];
    },
  },
  {
    name: 'compress-auto-tries-every-precision',
    needsTask: false,
    check: ({ file }) =>
      typeof file.compress === 'object' && file.compress.auto === true && file.compress.quantize !== undefined
        ? [problem(['compress', 'quantize'], 'is chosen by `auto: true`, which measures float32, float16 and int8 and keeps the best within the tolerance: remove one of them')]
        : [],
  },
];

function problem(path: FieldProblem['path'], text: string, code: FieldProblem['code'] = 'DL_TASK_FIELD'): FieldProblem {
  return { code, path, problem: text };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

import { resolve } from 'node:path';
import type { Registries } from '../context/registries.ts';
import { taskExtensions } from '../context/task-vocabulary.ts';
import { DeeplineError } from '../errors/index.ts';
import { loadTaskFile } from '../task/load-task.ts';
import { parseTaskObject } from '../task/parse-task-object.ts';
import type { TaskOverrides, TaskSpec } from '../task/task-spec.ts';

/** The options `run` and `init` share for saying where the task comes from. */
export interface TaskSourceOptions {
  data?: string;
  target?: string;
  task?: string;
  name?: string;
  output?: string;
  engine?: string;
  seed?: string;
  trials?: string;
  minutes?: string;
  workers?: string;
  /** commander's `--no-search`: false when given. */
  search?: boolean;
  /** `--plugin` paths (repeatable), relative to the current folder. */
  plugin?: string[];
}

/**
 * A validated spec from a task file (with command-line overrides), or — with no file — from
 * `--data` and `--target` alone, the task type then inferred from the data.
 */
export async function resolveTaskSpec(taskFile: string | undefined, opts: TaskSourceOptions, registries: Registries): Promise<TaskSpec> {
  const overrides = toOverrides(opts);
  const extensions = taskExtensions(registries);
  if (taskFile) {
    if (opts.data || opts.target) {
      throw new DeeplineError('DL_USAGE', `give either a task file (${taskFile}) or --data/--target, not both`, {
        hint: 'edit data.path and data.target in the task file instead',
      });
    }
    return loadTaskFile(taskFile, overrides, { extensions });
  }
  if (!opts.data) {
    throw new DeeplineError('DL_USAGE', 'no task: give a task file, or --data <path> (and --target <column> for tables)', {
      hint: 'e.g. `deepline run examples/iris.yaml` or `deepline run --data data.csv --target price`',
    });
  }
  const data: Record<string, unknown> = { path: opts.data };
  if (opts.target) data.target = opts.target;
  return parseTaskObject({ ...overrides, data }, { baseDir: process.cwd(), extensions });
}

function toOverrides(opts: TaskSourceOptions): TaskOverrides {
  const out: Record<string, unknown> = {};
  if (opts.task) out.task = opts.task;
  if (opts.name) out.name = opts.name;
  if (opts.output) out.output = opts.output;
  if (opts.engine) out.engine = opts.engine;
  if (opts.plugin?.length) out.plugins = opts.plugin.map((path) => resolve(path));
  if (opts.seed !== undefined) {
    const seed = Number(opts.seed);
    if (!Number.isInteger(seed)) throw new DeeplineError('DL_USAGE', `--seed must be a whole number, but got \`${opts.seed}\``);
    out.seed = seed;
  }
  const number = (flag: string, value: string, whole: boolean): number => {
    const n = Number(value);
    if (!(n > 0) || (whole && !Number.isInteger(n))) {
      throw new DeeplineError('DL_USAGE', `--${flag} must be a ${whole ? 'whole ' : ''}number > 0, but got \`${value}\``);
    }
    return n;
  };
  const budget: Record<string, number> = {};
  if (opts.trials !== undefined) budget.trials = number('trials', opts.trials, true);
  if (opts.minutes !== undefined) budget.minutes = number('minutes', opts.minutes, false);
  if (Object.keys(budget).length > 0) out.budget = budget;
  const search: Record<string, unknown> = {};
  if (opts.search === false) search.enabled = false;
  if (opts.workers !== undefined) search.workers = number('workers', opts.workers, true);
  if (Object.keys(search).length > 0) out.search = search;
  return out as TaskOverrides;
}

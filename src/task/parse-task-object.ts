import { basename, extname, join, resolve } from 'node:path';
import { DeeplineError, type ErrorLocation } from '../errors/index.ts';
import { CROSS_CHECKS, type TaskDraft } from './cross-checks.ts';
import { describeIssue, type FieldProblem } from './describe-issue.ts';
import { formatValue } from './format-value.ts';
import { inferFormat, statOrMissing } from '../data/readers/infer-format.ts';
import { inferTask } from './infer-task.ts';
import type { FieldPath } from './source-locator.ts';
import { COMMON_DEFAULTS, TASK_DEFAULTS } from './task-defaults.ts';
import { TaskSpecError, type TaskIssue } from './task-spec-error.ts';
import { checkExporters, checkFormat, checkStrategies } from './check-strategies.ts';
import { checkPruner } from './check-pruner.ts';
import { DATA_FORMATS, isPluginFormat, type DataFormat } from '../data/readers/data-formats.ts';
import { taskFileSchema, TASK_NAME_PATTERN, type TaskFile, type TaskSpec, type TaskVocabulary } from './task-spec.ts';
import type { SupportedTask, TaskType } from './task-types.ts';
import { deepFreeze } from '../store/deep-freeze.ts';

export interface ParseTaskOptions {
  /** Absolute path of the task file the object was read from, if any. */
  file?: string;
  /** Folder that relative `data.path` and `output` are resolved against. */
  baseDir: string;
  /**
   * Where a field was written (file, line, column), for error messages. Without it, errors name
   * only the field, which suits objects built from command-line options.
   */
  locate?: (path: FieldPath, options: { key?: boolean }) => ErrorLocation;
  /**
   * Loads the task's plugins (absolute paths, possibly none) into the run's registries and
   * returns the names they now hold, which `search.sampler` / `search.scheduler` are checked
   * against. Without it, plugins are only recorded and names are checked when the search starts.
   */
  extensions?: (plugins: readonly string[]) => Promise<TaskVocabulary>;
}

/**
 * Validates a task given as a plain object and resolves it into a frozen TaskSpec: phase one is
 * the schema, phase two the named cross-field checks (those that need the task type run after
 * it is inferred from the data, when the object leaves it out). Every problem of a phase is
 * reported at once, as a TaskSpecError.
 */
export async function parseTaskObject(obj: unknown, options: ParseTaskOptions): Promise<TaskSpec> {
  const locate = options.locate ?? (() => ({}));
  const fail = (problems: readonly FieldProblem[], hint?: string): never => {
    throw new TaskSpecError(problems.map((p) => toIssue(p, locate)), hint);
  };

  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    const location = locate([], {});
    const where = DeeplineError.formatLocation(location);
    throw new DeeplineError('DL_TASK_FILE', `${where ? `${where} ` : ''}a task must be a mapping of fields (name, task, data, ...), but got ${formatValue(obj)}`, {
      hint: 'see docs/task-file.md for an example task file',
      location,
    });
  }
  const parsed = taskFileSchema.safeParse(obj);
  if (!parsed.success) fail(firstPerField(parsed.error.issues.flatMap((issue) => describeIssue(issue, obj, taskFileSchema))));
  const file = parsed.data as TaskFile;
  const vocabulary = await options.extensions?.((file.plugins ?? []).map((path) => resolve(options.baseDir, path)));
  // Without the registries, a task that names plugins may use their formats: only the run's
  // registries can tell, as for samplers.
  const formats = vocabulary?.formats ?? ((file.plugins ?? []).length > 0 ? undefined : DATA_FORMATS);
  const exporters = vocabulary?.exporters ?? ((file.plugins ?? []).length > 0 ? undefined : COMMON_DEFAULTS.export);
  const namedProblems = [...(formats ? checkFormat(file, formats) : []), ...(exporters ? checkExporters(file, exporters) : [])];
  if (namedProblems.length > 0) fail(namedProblems);
  if (vocabulary) {
    const problems = [...checkStrategies(file, vocabulary), ...checkPruner(file, vocabulary)];
    if (problems.length > 0) fail(problems);
  }

  const dataPath = resolve(options.baseDir, file.data.path);
  const format = await fromData(['data', 'path'], fail, async () => {
    await statOrMissing(dataPath);
    return file.data.format ?? (await inferFormat(dataPath));
  });
  runChecks({ file, format }, false, fail);

  // A plugin's format is read by its reader alone: deepline cannot look into it, so the task is
  // the file's to say.
  if (isPluginFormat(format) && file.task === undefined) {
    fail([{ code: 'DL_TASK_FIELD', path: ['task'], problem: `required with data.format ${format}, which a plugin's reader reads: deepline cannot infer the task from that data` }]);
  }
  // Looked at even when the task is given: a wrong target column or an unreadable table is
  // then reported at its line in the task file, before any work starts.
  const inference = isPluginFormat(format)
    ? undefined
    : await fromData(['data', 'path'], fail, () => inferTask({ path: dataPath, format: format as DataFormat, target: file.data.target, header: file.data.header }), file.data.header);
  const task: TaskType = file.task ?? inference!.task;
  const taskReason = file.task === undefined ? inference!.reason : undefined;
  runChecks({ file, format, task, taskReason }, true, fail);

  // A header found below line 1 is recorded in the spec, so the run reads (and caches) what was inferred.
  const table = inference?.details.kind === 'table' ? inference.details : undefined;
  const header = file.data.header ?? (table?.headerDetected !== undefined ? table.headerLine : undefined);
  const headerReason = table?.headerDetected;

  // task-is-supported has passed, so the task has a template.
  return deepFreeze(buildSpec(file, { dataPath, format, task: task as SupportedTask, taskReason, header, headerReason, options }));
}

function buildSpec(
  file: TaskFile,
  resolved: { dataPath: string; format: string; task: SupportedTask; taskReason?: string; header?: number; headerReason?: string; options: ParseTaskOptions },
): TaskSpec {
  const { dataPath, format, task, taskReason, header, headerReason, options } = resolved;
  const defaults = TASK_DEFAULTS[task];
  const name = file.name ?? nameFrom(options.file ?? dataPath);
  const budgetEpochs = file.budget?.epochs;
  // The budget caps the default epochs; an explicit train.epochs above the cap was rejected already.
  const epochs = file.train?.epochs ?? Math.min(defaults.train.epochs, budgetEpochs ?? Infinity);
  return {
    name,
    task,
    data: {
      path: dataPath,
      format,
      ...(file.data.target !== undefined && { target: file.data.target }),
      ...(header !== undefined && { header }),
      ...(file.data.image !== undefined && { image: { ...file.data.image } }),
      ...(file.data.classes !== undefined && { classes: [...file.data.classes] }),
      ...(file.data.group !== undefined && { group: file.data.group }),
      ...(file.data.time !== undefined && { time: file.data.time }),
    },
    metric: file.metric ?? defaults.metric,
    split: { ...(file.split ?? COMMON_DEFAULTS.split) },
    seed: file.seed ?? COMMON_DEFAULTS.seed,
    budget: { ...file.budget },
    train: trainSettings(defaults.train, file.train, epochs),
    constraints: { ...file.constraints },
    prepare: { ...COMMON_DEFAULTS.prepare, ...file.prepare },
    augment: { ...COMMON_DEFAULTS.augment, ...file.augment },
    search: {
      ...COMMON_DEFAULTS.search,
      ...file.search,
      ...strategy('sampler', file.search?.sampler, COMMON_DEFAULTS.search.sampler),
      ...strategy('scheduler', file.search?.scheduler, COMMON_DEFAULTS.search.scheduler),
      prefer: file.search?.prefer ?? COMMON_DEFAULTS.search.prefer,
      space: { ...file.search?.space },
      ensemble: ensembleSettings(file.search?.ensemble),
      prior: priorSettings(file.search?.prior),
    },
    ...(file.executor !== undefined && { executor: { ...file.executor } }),
    security: {
      ...COMMON_DEFAULTS.security,
      ...file.security,
      ...strategy('attack', file.security?.attack, COMMON_DEFAULTS.security.attack),
      epsilons: securityEpsilons(file.security),
    },
    ...(file.compress !== undefined && { compress: compressSettings(file.compress) }),
    ...(task === 'time-series-forecasting' && { series: { ...COMMON_DEFAULTS.series, ...file.series } }),
    engine: file.engine ?? COMMON_DEFAULTS.engine,
    export: [...new Set(file.export ?? COMMON_DEFAULTS.export)],
    ...(file.plugins?.length && { plugins: file.plugins.map((path) => resolve(options.baseDir, path)) }),
    // Only when given: a spec without gates keeps the form (and the resume match) it always had.
    ...(file.gates && Object.keys(file.gates).length > 0 && { gates: { ...file.gates } }),
    ...(file.store !== undefined && { store: file.store }),
    output: resolve(options.baseDir, file.output ?? join(COMMON_DEFAULTS.outputDir, name)),
    source: {
      ...(options.file !== undefined && { file: options.file }),
      baseDir: options.baseDir,
      ...(taskReason !== undefined && { taskInference: taskReason }),
      ...(headerReason !== undefined && { headerInference: headerReason }),
    },
  };
}

function runChecks(draft: TaskDraft, needsTask: boolean, fail: (problems: FieldProblem[]) => never): void {
  const problems = CROSS_CHECKS.filter((c) => c.needsTask === needsTask).flatMap((c) => c.check(draft));
  if (problems.length > 0) fail(problems);
}

/**
 * Runs a look at the data; a DeeplineError it raises (missing file, unknown target column, a
 * problem on the line `data.header` names) is reported at the task-file field that led there,
 * keeping its code and hint.
 */
async function fromData<T>(
  path: FieldPath,
  fail: (problems: FieldProblem[], hint?: string) => never,
  look: () => Promise<T>,
  header?: number,
): Promise<T> {
  try {
    return await look();
  } catch (e) {
    if (!(e instanceof DeeplineError)) throw e;
    const at: FieldPath =
      e.code === 'DL_DATA_TARGET' && e.location?.field !== undefined
        ? ['data', 'target']
        : header !== undefined && e.location?.line === header
          ? ['data', 'header']
          : path;
    return fail([{ code: e.code, path: at, problem: e.message }], e.hint);
  }
}

function toIssue(p: FieldProblem, locate: NonNullable<ParseTaskOptions['locate']>): TaskIssue {
  const field = fieldName(p.path);
  return { code: p.code, field, problem: p.problem, location: { ...locate(p.path, { key: p.atKey }), field } };
}

/** zod may report several issues for one field (a wrong type, then a failed length check): keep the first. */
function firstPerField(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = fieldName(p.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `['data', 'classes', 2]` → `data.classes[2]`; the empty path is the whole task. */
function fieldName(path: FieldPath): string {
  let name = '';
  for (const segment of path) {
    if (typeof segment === 'number') name += `[${segment}]`;
    else name += name === '' ? String(segment) : `.${String(segment)}`;
  }
  return name || '(task)';
}

/** A task name from a file or folder name, made safe to use as a folder name. */
function nameFrom(path: string): string {
  const stem = basename(path, extname(path));
  const safe = stem.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return TASK_NAME_PATTERN.test(safe) ? safe : 'task';
}


/** `train` as written over the task type's defaults; `adversarial` gets its attack's default steps and norm. */
function trainSettings(defaults: TaskSpec['train'], given: TaskFile['train'], epochs: number): TaskSpec['train'] {
  const { adversarial, ...rest } = given ?? {};
  return {
    ...defaults,
    ...rest,
    epochs,
    ...(adversarial && {
      adversarial: { attack: adversarial.attack, epsilon: adversarial.epsilon, steps: adversarial.steps ?? COMMON_DEFAULTS.adversarialSteps[adversarial.attack], norm: adversarial.norm ?? 'linf' },
    }),
  };
}

/** The curve's budgets, ascending, with the gate's ε among them so the gate reads a measured point. */
function securityEpsilons(given: TaskFile['security']): number[] {
  const epsilons = [...(given?.epsilons ?? COMMON_DEFAULTS.security.epsilons), ...(given?.epsilon !== undefined ? [given.epsilon] : [])];
  return [...new Set(epsilons)].sort((a, b) => a - b);
}

/** `compress` as written → the spec's settings: `auto` alone, or what to prune and quantize over the defaults. */
function compressSettings(given: NonNullable<TaskFile['compress']>): NonNullable<TaskSpec['compress']> {
  const { method, amount, ...defaults } = COMMON_DEFAULTS.compress;
  if (given === 'auto') return { mode: 'auto', prune: { method, amount }, ...defaults };
  const { prune, auto, ...rest } = given;
  const pruning = prune === undefined ? undefined : typeof prune === 'number' ? { method, amount: prune } : { method: prune.method ?? method, amount: prune.amount, ...(prune.options && { options: prune.options }) };
  const mode = auto === true ? 'auto' : 'fixed';
  return { mode, ...defaults, ...rest, ...(pruning ? { prune: pruning } : mode === 'auto' && { prune: { method, amount } }) };
}

/** `search.prior` as written (true/false, or some of its fields) → all of its fields. */
function priorSettings(prior: boolean | { enabled?: boolean; neighbours?: number; portfolio?: number } | undefined): TaskSpec['search']['prior'] {
  const defaults = COMMON_DEFAULTS.search.prior;
  if (prior === undefined || typeof prior === 'boolean') return { ...defaults, enabled: prior ?? defaults.enabled };
  return { ...defaults, ...prior };
}

/** `search.ensemble` as written (true/false/auto, or some of its fields) → all of its fields. */
function ensembleSettings(given: NonNullable<TaskFile['search']>['ensemble']): TaskSpec['search']['ensemble'] {
  const defaults = COMMON_DEFAULTS.search.ensemble;
  if (given === undefined || typeof given !== 'object') return { ...defaults, enabled: given ?? defaults.enabled };
  return { ...defaults, ...given };
}

/** `search.sampler` as written (a name, or `{ name, options }`) → the spec's name and options fields. */
function strategy<K extends 'sampler' | 'scheduler' | 'attack'>(
  kind: K,
  given: string | { name: string; options?: Record<string, unknown> } | undefined,
  fallback: string,
): Record<K, string> & Partial<Record<`${K}Options`, Record<string, unknown>>> {
  if (given === undefined || typeof given === 'string') return { [kind]: given ?? fallback } as never;
  return { [kind]: given.name, ...(given.options !== undefined && { [`${kind}Options`]: given.options }) } as never;
}

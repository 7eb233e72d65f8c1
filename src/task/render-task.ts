import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Document, isMap, isScalar, type Scalar } from 'yaml';
import { COMMON_DEFAULTS, TASK_DEFAULTS } from './task-defaults.ts';
import { ENGINES, type TaskSpec, type TrainSettings } from './task-spec.ts';

/**
 * A commented YAML task file for `spec`, as `deepline init` writes it: paths relative to
 * `baseDir` (default: the folder the spec was resolved against), only the fields that say
 * something, a comment with `reasonComment` (default: why the task type was inferred) above
 * `task`, and the per-task defaults shown as comments. Loading the text back from a file in
 * `baseDir` gives a spec equal to `spec` (apart from `source`).
 */
export function renderTaskYaml(spec: TaskSpec, reasonComment?: string, options: { baseDir?: string } = {}): string {
  const baseDir = options.baseDir ?? spec.source.baseDir;
  const defaults = TASK_DEFAULTS[spec.task];
  const fields: Record<string, unknown> = {};
  const comments: Record<string, string> = {};
  // Commented-out settings shown after the last field, so a reader sees what else can be set.
  const trailing: string[] = [];
  const add = (key: string, value: unknown, comment?: string): void => {
    fields[key] = value;
    if (comment) comments[key] = comment;
  };

  add('name', spec.name);
  const reason = reasonComment ?? spec.source.taskInference;
  add('task', spec.task, reason ? `Task type: ${reason}` : undefined);
  // Named in the file, so that the header found below line 1 is read from there by whoever runs it.
  if (spec.data.header !== undefined && spec.source.headerInference) comments['data.header'] = `The line of the column names: ${spec.source.headerInference}.`;
  add('data', {
    path: relativePath(baseDir, spec.data.path),
    format: spec.data.format,
    ...(spec.data.target !== undefined && { target: spec.data.target }),
    ...(spec.data.header !== undefined && { header: spec.data.header }),
    ...(spec.data.image !== undefined && { image: { ...spec.data.image } }),
    ...(spec.data.classes !== undefined && { classes: [...spec.data.classes] }),
  });
  add('metric', spec.metric, `What the best model is chosen by: ${listOf(defaults.metrics)}.`);
  add('split', { ...spec.split }, 'Shares of the examples for training, model selection and the final test.');
  add('seed', spec.seed, 'Every random choice derives from the seed, so a run can be repeated exactly.');
  if (Object.keys(spec.budget).length > 0) add('budget', { ...spec.budget });

  // The budget caps the default epochs, so a capped value is no change worth writing.
  const implied: TrainSettings = { ...defaults.train, epochs: Math.min(defaults.train.epochs, spec.budget.epochs ?? Infinity) };
  const changed = (Object.keys(implied) as (keyof TrainSettings)[]).filter((k) => spec.train[k] !== implied[k]);
  if (changed.length > 0) {
    add('train', Object.fromEntries(changed.map((k) => [k, spec.train[k]])), `Defaults for ${spec.task}: ${flowText(defaults.train)}`);
  } else {
    trailing.push(`train: ${flowText(defaults.train)}   # the defaults for ${spec.task}`);
  }

  if (Object.keys(spec.constraints).length > 0) {
    add('constraints', { ...spec.constraints }, 'The chosen model must meet these where it is deployed.');
  }
  const engines = listOf(ENGINES.filter((e) => e !== COMMON_DEFAULTS.engine));
  if (spec.engine !== COMMON_DEFAULTS.engine) add('engine', spec.engine, `auto picks the fastest available of ${engines}.`);
  else trailing.push(`engine: ${COMMON_DEFAULTS.engine}   # or ${engines}`);
  const exportsDefault = spec.export.length === COMMON_DEFAULTS.export.length && spec.export.every((e, k) => e === COMMON_DEFAULTS.export[k]);
  if (!exportsDefault) add('export', [...spec.export], 'Deployment formats written after training, each checked against the trained model.');
  else trailing.push(`export: [${COMMON_DEFAULTS.export.join(', ')}]   # model.onnx beside the TF.js model; [] for none`);
  const defaultOutput = resolve(baseDir, join(COMMON_DEFAULTS.outputDir, spec.name));
  if (spec.output !== defaultOutput) add('output', relativePath(baseDir, spec.output));
  else trailing.push(`output: ./${COMMON_DEFAULTS.outputDir}/${spec.name}`);

  return toYaml(fields, comments, trailing);
}

function toYaml(fields: Record<string, unknown>, comments: Record<string, string>, trailing: string[]): string {
  const doc = new Document(fields);
  doc.commentBefore = ' deepline task file. Every field is described in docs/task-file.md.';
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      const key = pair.key as Scalar;
      const name = String(key.value);
      if (comments[name]) key.commentBefore = prefixLines(comments[name]);
      // Blank lines between sections, except the first; small mappings on one line.
      key.spaceBefore = name !== 'name';
      if (isMap(pair.value) && name !== 'data') pair.value.flow = true;
      if (isMap(pair.value) && name === 'data') {
        for (const inner of pair.value.items) {
          if (!isScalar(inner.value)) (inner.value as { flow?: boolean }).flow = true;
          const comment = comments[`data.${String((inner.key as Scalar).value)}`];
          if (comment) (inner.key as Scalar).commentBefore = prefixLines(comment);
        }
      }
    }
  }
  if (trailing.length > 0) doc.comment = prefixLines(trailing.join('\n'));
  return doc.toString({ lineWidth: 0 });
}

function prefixLines(text: string): string {
  return text
    .split('\n')
    .map((line) => ` ${line}`)
    .join('\n');
}

function listOf(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function flowText(values: object): string {
  return `{ ${Object.entries(values).map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
}

/** `./x.csv` for a path inside `baseDir`, `../x.csv` one level up, else the absolute path. */
function relativePath(baseDir: string, path: string): string {
  const rel = relative(baseDir, path).split(sep).join('/');
  if (rel === '') return '.';
  if (isAbsolute(rel) || rel.startsWith('../..')) return path;
  return rel.startsWith('..') ? rel : `./${rel}`;
}

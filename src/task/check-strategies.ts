import { didYouMean } from '../extensions/did-you-mean.ts';
import type { FieldProblem } from './describe-issue.ts';
import { formatValue } from './format-value.ts';
import type { TaskFile, TaskVocabulary } from './task-spec.ts';

type Strategy = NonNullable<NonNullable<TaskFile['search']>['sampler']>;

/**
 * Checks `search.sampler`, `search.scheduler` and `security.attack` against what is registered (built-ins and
 * plugins): an unknown name gets a did-you-mean and the registered names, and `options` are
 * validated by the entry's own schema, each problem at its field.
 */
export function checkStrategies(file: TaskFile, vocabulary: TaskVocabulary): FieldProblem[] {
  return [
    ...checkOne(['search', 'sampler'], file.search?.sampler, vocabulary.samplers, []),
    ...checkOne(['search', 'scheduler'], file.search?.scheduler, vocabulary.schedulers, ['none']),
    ...(vocabulary.attacks ? checkOne(['security', 'attack'], file.security?.attack, vocabulary.attacks, ['auto']) : []),
    ...(vocabulary.executors ? checkExecutor(file, vocabulary.executors) : []),
  ];
}

/** Checks `executor.kind` against the registered executors (plugins included). */
function checkExecutor(file: TaskFile, executors: readonly string[]): FieldProblem[] {
  const given = file.executor?.kind;
  if (given === undefined || executors.includes(given)) return [];
  const suggestion = didYouMean(given, executors);
  return [
    {
      code: 'DL_TASK_FIELD',
      path: ['executor', 'kind'],
      problem: `expected a registered executor (${executors.join(', ')}), but got ${formatValue(given)}${suggestion ? ` — did you mean \`${suggestion}\`?` : ''}`,
    },
  ];
}

/**
 * Checks `data.format` against the registered readers (the built-in formats when the caller
 * gives no registries): an unknown name gets a did-you-mean and the registered formats.
 */
export function checkFormat(file: TaskFile, formats: readonly string[]): FieldProblem[] {
  const given = file.data.format;
  if (given === undefined || formats.includes(given)) return [];
  const suggestion = didYouMean(given, formats);
  return [
    {
      code: 'DL_TASK_FIELD',
      path: ['data', 'format'],
      problem: `expected a registered data format (${formats.join(', ')}), but got ${formatValue(given)}${suggestion ? ` — did you mean \`${suggestion}\`?` : ''}`,
    },
  ];
}

/** Checks `export` against the registered exporters, each name at its place in the list. */
export function checkExporters(file: TaskFile, exporters: readonly string[]): FieldProblem[] {
  return (file.export ?? []).flatMap((name, k) => {
    if (exporters.includes(name)) return [];
    const suggestion = didYouMean(name, exporters);
    return [
      {
        code: 'DL_TASK_FIELD' as const,
        path: ['export', k],
        problem: `expected a registered exporter (${exporters.join(', ')}), but got ${formatValue(name)}${suggestion ? ` — did you mean \`${suggestion}\`?` : ''}`,
      },
    ];
  });
}

function checkOne(field: readonly [string, 'sampler' | 'scheduler' | 'attack'], given: Strategy | undefined, entries: TaskVocabulary['samplers'], extra: readonly string[]): FieldProblem[] {
  if (given === undefined) return [];
  const kind = field[1];
  const name = typeof given === 'string' ? given : given.name;
  const namePath = typeof given === 'string' ? [...field] : [...field, 'name'];
  const valid = [...entries.keys(), ...extra];
  if (!valid.includes(name)) {
    const suggestion = didYouMean(name, valid);
    return [
      {
        code: 'DL_TASK_FIELD',
        path: namePath,
        problem: `expected a registered ${kind} (${valid.join(', ')}), but got ${formatValue(name)}${suggestion ? ` — did you mean \`${suggestion}\`?` : ''}`,
      },
    ];
  }
  if (typeof given === 'string' || given.options === undefined) return [];
  const schema = entries.get(name);
  if (!schema) return [{ code: 'DL_TASK_FIELD', path: [...field, 'options'], problem: `${kind} \`${name}\` takes no options` }];
  const parsed = schema.safeParse(given.options);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({
    code: 'DL_TASK_FIELD' as const,
    path: [...field, 'options', ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))],
    problem: issue.message,
  }));
}

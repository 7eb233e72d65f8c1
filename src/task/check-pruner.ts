import { didYouMean } from '../extensions/did-you-mean.ts';
import type { FieldProblem } from './describe-issue.ts';
import { formatValue } from './format-value.ts';
import type { TaskFile, TaskVocabulary } from './task-spec.ts';

/**
 * Checks `compress.prune.method` against the registered pruners (built-ins and plugins) and its
 * `options` against the pruner's own schema, each problem at its field; without the registries'
 * pruners (a vocabulary built before they existed) there is nothing to check against.
 */
export function checkPruner(file: TaskFile, vocabulary: TaskVocabulary): FieldProblem[] {
  const prune = typeof file.compress === 'object' ? file.compress.prune : undefined;
  if (!vocabulary.pruners || prune === undefined || typeof prune === 'number') return [];
  const name = prune.method ?? 'channel';
  const valid = [...vocabulary.pruners.keys()];
  const schema = vocabulary.pruners.get(name);
  if (!schema) {
    const suggestion = didYouMean(name, valid);
    return [
      {
        code: 'DL_TASK_FIELD',
        path: ['compress', 'prune', 'method'],
        problem: `expected a registered pruner (${valid.join(', ')}), but got ${formatValue(name)}${suggestion ? ` — did you mean \`${suggestion}\`?` : ''}`,
      },
    ];
  }
  if (prune.options === undefined) return [];
  const parsed = schema.safeParse(prune.options);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({
    code: 'DL_TASK_FIELD' as const,
    path: ['compress', 'prune', 'options', ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))],
    problem: issue.message,
  }));
}

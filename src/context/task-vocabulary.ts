import type { ParseTaskOptions } from '../task/parse-task-object.ts';
import type { TaskVocabulary } from '../task/task-spec.ts';
import { loadPlugins } from './load-plugins.ts';
import type { Registries } from './registries.ts';

/** The sampler and scheduler names (with their options schemas) a task may choose, from the registries. */
export function vocabularyOf(registries: Registries): TaskVocabulary {
  return {
    samplers: new Map(registries.samplers.values().map((entry) => [entry.name, entry.optionsSchema])),
    schedulers: new Map(registries.schedulers.values().map((entry) => [entry.name, entry.optionsSchema])),
  };
}

/**
 * What task loading calls once the file is parsed: load the task's plugins into `registries`,
 * then check its choices against everything registered, plugins included.
 */
export function taskExtensions(registries: Registries): NonNullable<ParseTaskOptions['extensions']> {
  return async (plugins) => {
    await loadPlugins(plugins, { registries });
    return vocabularyOf(registries);
  };
}

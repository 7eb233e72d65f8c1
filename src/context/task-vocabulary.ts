import { DATA_FORMATS } from '../data/readers/data-formats.ts';
import type { ParseTaskOptions } from '../task/parse-task-object.ts';
import type { TaskVocabulary } from '../task/task-spec.ts';
import { loadPlugins } from './load-plugins.ts';
import type { Registries } from './registries.ts';

/** The data formats, samplers and schedulers (with their options schemas) a task may choose, from the registries. */
export function vocabularyOf(registries: Registries): TaskVocabulary {
  return {
    // Tables (csv, tsv, jsonl) are read column by column, not through the readers registry.
    formats: [...new Set([...DATA_FORMATS, ...registries.readers.keys()])],
    exporters: registries.exporters.keys(),
    samplers: new Map(registries.samplers.values().map((entry) => [entry.name, entry.optionsSchema])),
    schedulers: new Map(registries.schedulers.values().map((entry) => [entry.name, entry.optionsSchema])),
    attacks: new Map(registries.attacks.values().map((entry) => [entry.name, entry.optionsSchema])),
    pruners: new Map(registries.pruners.values().map((entry) => [entry.name, entry.optionsSchema])),
    executors: registries.executors.keys(),
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

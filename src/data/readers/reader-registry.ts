import { Registry } from '../../extensions/registry.ts';
import { createCsvReader } from './csv-reader.ts';
import type { DataReader } from './data-reader.ts';
import { idxReader } from './idx-reader.ts';
import { imageListReader } from './image-list-reader.ts';
import { imageFolderReader } from './image-folder-reader.ts';

/** Registers deepline's own readers, keyed by `data.format`, exactly as a user's reader would be. */
export function registerBuiltins(registry: Registry<DataReader>): void {
  for (const reader of [createCsvReader('csv'), createCsvReader('tsv'), imageFolderReader, imageListReader, idxReader]) {
    registry.register(reader.name, reader);
  }
}

/** A reader registry holding the built-ins, for callers that add none of their own. */
export function createReaderRegistry(): Registry<DataReader> {
  const registry = new Registry<DataReader>('data format');
  registerBuiltins(registry);
  return registry;
}

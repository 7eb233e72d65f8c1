import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDataset, type Dataset } from '../dataset.ts';
import { loadTable, type Table } from '../table.ts';

/** What a data artifact folder held: a raw table, or a tensor data set. */
export type DataArtifact = { readonly kind: 'table'; readonly table: Table } | { readonly kind: 'dataset'; readonly dataset: Dataset };

/**
 * Loads a folder written by `saveTable` or `saveDataset`, telling them apart by `meta.json`:
 * tables say `kind: 'table'`, data sets carry no kind.
 */
export async function readDataArtifact(dir: string): Promise<DataArtifact> {
  const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as { kind?: unknown };
  if (meta.kind === 'table') return { kind: 'table', table: await loadTable(dir) };
  return { kind: 'dataset', dataset: await loadDataset(dir) };
}

import { featureSize, type Dataset } from '../dataset.ts';
import type { Column, Table } from '../table.ts';

/**
 * A tabular data set (one feature vector per example) seen as a table: one numeric column per
 * feature, and the target as a categorical column (class targets) or a numeric one. Lets the
 * table profile and schema serve data ingested as a Dataset.
 */
export function tableFromDataset(ds: Dataset): Table {
  const d = featureSize(ds);
  const names = ds.featureNames ?? Array.from({ length: d }, (_, j) => `x${j}`);
  const columns: Column[] = names.map((name, j) => {
    const values = new Float64Array(ds.n);
    for (let i = 0; i < ds.n; i++) values[i] = ds.x[i * d + j];
    return { name, type: 'numeric', values };
  });
  const targetName = uniqueName(ds.target.name, names);
  if (ds.target.kind === 'class') {
    const k = ds.target.classes.length;
    const codes = Int32Array.from(ds.y, (v) => (Number.isInteger(v) && v >= 0 && v < k ? v : -1));
    columns.push({ name: targetName, type: 'categorical', codes, categories: ds.target.classes });
  } else {
    columns.push({ name: targetName, type: 'numeric', values: Float64Array.from(ds.y) });
  }
  return {
    n: ds.n,
    columns,
    target: targetName,
    sourceRows: ds.sourceRows ?? Int32Array.from({ length: ds.n }, (_, i) => i + 1),
    ...(ds.dataVersion !== undefined && { dataVersion: ds.dataVersion }),
  };
}

function uniqueName(name: string, taken: readonly string[]): string {
  let candidate = name;
  for (let k = 2; taken.includes(candidate); k++) candidate = `${name}_${k}`;
  return candidate;
}

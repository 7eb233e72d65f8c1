import type { TableProfile } from '../profile/data-profile.ts';
import { profileTable } from '../profile/profile-table.ts';
import type { Table } from '../table.ts';
import { SCHEMA_FORMAT_VERSION, type ColumnSchema, type DataSchema } from './data-schema.ts';

export interface InferSchemaOptions {
  /** Share of the training range added below and above it before values count as out of range (default 0.1). */
  readonly rangeTolerance?: number;
  /** Categorical columns with more distinct values are left unchecked (open domain; default 1000). */
  readonly maxDomainSize?: number;
}

/**
 * The schema of training data, TFDV style: every column required, with its type, whether it had
 * missing values and how many, its range (numbers, booleans, dates) or its domain (categories).
 * Uses `profile` when given (it must be of this table), else profiles the table.
 */
export function inferSchema(table: Table, profile?: TableProfile, options: InferSchemaOptions = {}): DataSchema {
  const tolerance = options.rangeTolerance ?? 0.1;
  const maxDomain = options.maxDomainSize ?? 1000;
  const p = profile ?? profileTable(table);
  const columns = table.columns.map((column): ColumnSchema => {
    const cp = p.columns.find((c) => c.name === column.name);
    if (!cp) throw new Error(`the profile has no column \`${column.name}\`: it was made from another table`);
    const base = {
      name: column.name,
      type: column.type,
      isTarget: column.name === table.target,
      required: true,
      nullable: cp.missing > 0,
      missingRate: cp.missingRate,
    };
    if (column.type === 'categorical') {
      // A category list may name values no row has (a subset keeps its parent's list): only those seen count.
      const used = new Uint8Array(column.categories.length);
      for (const code of column.codes) if (code >= 0) used[code] = 1;
      const seen = column.categories.filter((_, k) => used[k] === 1);
      if (seen.length > maxDomain) return { ...base, openDomain: true };
      return { ...base, domain: seen };
    }
    if (cp.type === 'numeric' || cp.type === 'boolean' || cp.type === 'date') {
      const { min, max, integer, count } = cp.stats;
      if (count === 0) return base;
      if (cp.type === 'boolean') return { ...base, range: { min, max, lower: 0, upper: 1, integer: true } };
      const margin = tolerance * (max > min ? max - min : Math.abs(max));
      // Dates move forward: new data from after the training period is expected, not anomalous.
      return { ...base, range: { min, max, lower: min - margin, upper: cp.type === 'date' ? null : max + margin, integer } };
    }
    return base;
  });
  return {
    formatVersion: SCHEMA_FORMAT_VERSION,
    kind: 'data-schema',
    target: table.target,
    rows: table.n,
    ...(table.dataVersion !== undefined && { dataVersion: table.dataVersion }),
    rangeTolerance: tolerance,
    columns,
  };
}


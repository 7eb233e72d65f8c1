import type { Table } from '../table.ts';
import type { OutlierRule } from './outlier-rule.ts';

export interface OutlierFlags {
  /** 1 for each row with an outlier in any checked column. */
  readonly flagged: Uint8Array;
  readonly rowsFlagged: number;
  readonly columns: readonly {
    readonly column: string;
    readonly count: number;
    /** Values outside [lower, upper] are outliers. */
    readonly lower: number;
    readonly upper: number;
    /** The first few, as 1-based source rows with their values. */
    readonly examples: readonly { readonly row: number; readonly value: number }[];
  }[];
}

/** Applies a fitted rule to `table` (the rows it was fitted on, or others); missing values are never outliers. */
export function flagOutliers(rule: OutlierRule, table: Table, examples = 5): OutlierFlags {
  const flagged = new Uint8Array(table.n);
  const columns = rule.columns.flatMap((r) => {
    const col = table.columns.find((c) => c.name === r.column);
    if (!col || col.type === 'categorical' || col.type === 'text') return [];
    const found: { row: number; value: number }[] = [];
    let count = 0;
    for (let i = 0; i < table.n; i++) {
      const v = col.values[i];
      if (Math.abs(v - r.median) / r.scale > rule.threshold) {
        flagged[i] = 1;
        if (count++ < examples) found.push({ row: table.sourceRows[i], value: v });
      }
    }
    const reach = rule.threshold * r.scale;
    return [{ column: r.column, count, lower: r.median - reach, upper: r.median + reach, examples: found }];
  });
  return { flagged, rowsFlagged: flagged.reduce((a, b) => a + b, 0), columns };
}

import { subsetTable, type Table } from '../table.ts';
import { countMissing, type ColumnMissing } from './count-missing.ts';
import { findDuplicateRows } from './find-duplicate-rows.ts';
import { flagOutliers, type OutlierFlags } from './flag-outliers.ts';
import { fitOutlierRule, type OutlierRule } from './outlier-rule.ts';

export interface CleanOptions {
  /** Drop exact duplicate rows (default true); false only counts them. */
  readonly dropDuplicates?: boolean;
  /** `none` skips the outlier check; `flag` and `drop` report it here (dropping happens on the training split, after the split). */
  readonly outliers?: 'flag' | 'drop' | 'none';
  readonly outlierThreshold?: number;
  /** Columns the outlier rule leaves alone (e.g. an id or the time column). */
  readonly outlierExclude?: readonly string[];
  /** How many example rows each finding lists (default 5). */
  readonly examples?: number;
}

/** The `cleaning` artifact: what was found and what was done, with counts and example rows (1-based source rows). */
export interface CleaningReport {
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly missingTarget: { readonly dropped: number; readonly examples: readonly number[] };
  readonly duplicates: { readonly found: number; readonly dropped: number; readonly examples: readonly { readonly row: number; readonly duplicateOf: number }[] };
  readonly missing: readonly ColumnMissing[];
  readonly outliers?: {
    readonly rule: string;
    readonly action: 'flag' | 'drop';
    readonly threshold: number;
    readonly rowsFlagged: number;
    readonly columns: OutlierFlags['columns'];
    readonly skipped: OutlierRule['skipped'];
    readonly note: string;
  };
}

/**
 * The cleaning that is safe before the split, on all rows: rows without a target are dropped
 * (nothing to learn from), exact duplicates dropped (a copy in both train and test would leak),
 * missing values counted, outliers flagged for the report. Imputation is not done here: it is
 * fitted on the training split by the transform, and so is dropping outliers, which must only
 * ever remove training rows.
 */
export function cleanTable(table: Table, options: CleanOptions = {}): { table: Table; report: CleaningReport } {
  const examples = options.examples ?? 5;
  const target = table.columns.find((c) => c.name === table.target);
  const withTarget: number[] = [];
  const noTarget: number[] = [];
  for (let i = 0; i < table.n; i++) {
    const missing =
      target === undefined ? false
      : target.type === 'categorical' ? target.codes[i] < 0
      : target.type === 'text' ? (target.values[i] ?? '').trim() === ''
      : Number.isNaN(target.values[i]);
    (missing ? noTarget : withTarget).push(i);
  }
  let cleaned = noTarget.length > 0 ? subsetTable(table, withTarget) : table;
  const dup = findDuplicateRows(cleaned);
  const dropDuplicates = options.dropDuplicates ?? true;
  const duplicates = {
    found: dup.duplicates.length,
    dropped: dropDuplicates ? dup.duplicates.length : 0,
    examples: Array.from(dup.duplicates.subarray(0, examples), (i, k) => ({ row: cleaned.sourceRows[i], duplicateOf: cleaned.sourceRows[dup.firstOf[k]] })),
  };
  if (dropDuplicates && dup.duplicates.length > 0) cleaned = subsetTable(cleaned, dup.keep);
  let outliers: CleaningReport['outliers'];
  const action = options.outliers ?? 'flag';
  if (action !== 'none') {
    const rule = fitOutlierRule(cleaned, { threshold: options.outlierThreshold, exclude: options.outlierExclude });
    const flags = flagOutliers(rule, cleaned, examples);
    outliers = {
      rule: `|x - median| / (1.4826 * MAD) > ${rule.threshold}`,
      action,
      threshold: rule.threshold,
      rowsFlagged: flags.rowsFlagged,
      columns: flags.columns,
      skipped: rule.skipped,
      note:
        action === 'drop'
          ? 'flagged here on all rows; the transform step refits the rule on the training split and drops flagged training rows only'
          : 'flagged only; no row is removed',
    };
  }
  return {
    table: cleaned,
    report: {
      rowsIn: table.n,
      rowsOut: cleaned.n,
      missingTarget: { dropped: noTarget.length, examples: noTarget.slice(0, examples).map((i) => table.sourceRows[i]) },
      duplicates,
      missing: countMissing(cleaned),
      outliers,
    },
  };
}

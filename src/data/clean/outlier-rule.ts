import type { Table } from '../table.ts';

/** The robust scale of a normal distribution's MAD: 1.4826·MAD estimates its standard deviation. */
const MAD_TO_STD = 1.4826;

/**
 * A fitted robust outlier rule: a value x of `column` is an outlier when
 * |x - median| / (1.4826·MAD) > threshold (the modified z-score of Iglewicz and Hoaglin, whose
 * 3.5 is the usual cut). Median and MAD ignore the outliers themselves, unlike mean and std.
 */
export interface OutlierRule {
  readonly threshold: number;
  readonly columns: readonly { readonly column: string; readonly median: number; readonly scale: number }[];
  /** Numeric columns the rule does not check, and why. */
  readonly skipped: readonly { readonly column: string; readonly reason: string }[];
}

export interface OutlierRuleOptions {
  /** Default 3.5. */
  readonly threshold?: number;
  /** Columns not to check; the target is never checked (an extreme target is what a regression must learn). */
  readonly exclude?: readonly string[];
}

/** Fits the rule's medians and scales on `table`'s numeric columns (booleans and dates are not checked). */
export function fitOutlierRule(table: Table, options: OutlierRuleOptions = {}): OutlierRule {
  const columns: { column: string; median: number; scale: number }[] = [];
  const skipped: { column: string; reason: string }[] = [];
  const exclude = new Set([table.target, ...(options.exclude ?? [])]);
  for (const col of table.columns) {
    if (col.type !== 'numeric' || exclude.has(col.name)) continue;
    const values = col.values.filter((v) => !Number.isNaN(v)).sort();
    if (values.length === 0) {
      skipped.push({ column: col.name, reason: 'no values' });
      continue;
    }
    const median = medianOfSorted(values);
    const mad = medianOfSorted(values.map((v) => Math.abs(v - median)).sort());
    // MAD 0: over half the values equal the median (a constant or zero-inflated column); every
    // other value would count as an outlier, which says nothing useful and would drop real data.
    if (mad === 0) skipped.push({ column: col.name, reason: 'MAD is 0: at least half of the values equal the median' });
    else columns.push({ column: col.name, median, scale: MAD_TO_STD * mad });
  }
  return { threshold: options.threshold ?? 3.5, columns, skipped };
}

function medianOfSorted(sorted: Float64Array): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

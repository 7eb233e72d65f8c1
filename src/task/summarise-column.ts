/** What a sampled column looks like, as far as choosing a task type needs. */
export interface ColumnSummary {
  readonly name: string;
  /**
   * numeric: every present value is a finite number. text: free text (mostly several words, long,
   * mostly distinct). categorical: any other strings. empty: no present value at all.
   */
  readonly kind: 'numeric' | 'categorical' | 'text' | 'empty';
  /** Values present (not blank, NA, null, ...). */
  readonly present: number;
  readonly missing: number;
  readonly distinct: number;
  /** Numeric columns: whether some value has a fractional part. */
  readonly fractional: boolean;
  /** Mean length in characters of the present values as written. */
  readonly meanLength: number;
  /** Share of present values that contain whitespace between characters. */
  readonly withSpaces: number;
}

/** Spellings of "no value" common in exported tables. */
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);

// A column is free text when most values are several words, long and unlike each other; any
// one of these alone also fits category labels like "New York" or product codes.
const TEXT_MIN_SPACED = 0.5;
const TEXT_MIN_MEAN_LENGTH = 20;
const TEXT_MIN_DISTINCT_SHARE = 0.5;

export function summariseColumn(name: string, values: readonly unknown[]): ColumnSummary {
  const distinct = new Set<string>();
  let present = 0;
  let numeric = 0;
  let fractional = false;
  let totalLength = 0;
  let spaced = 0;
  for (const value of values) {
    if (value === null || value === undefined) continue;
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    const trimmed = text.trim();
    if (MISSING.has(trimmed.toLowerCase())) continue;
    present++;
    totalLength += trimmed.length;
    if (/\S\s+\S/.test(trimmed)) spaced++;
    const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(trimmed) : NaN;
    if (Number.isFinite(number)) {
      numeric++;
      if (!Number.isInteger(number)) fractional = true;
      distinct.add(String(number));
    } else {
      distinct.add(trimmed);
    }
  }
  const meanLength = present === 0 ? 0 : totalLength / present;
  const withSpaces = present === 0 ? 0 : spaced / present;
  let kind: ColumnSummary['kind'];
  if (present === 0) kind = 'empty';
  else if (numeric === present) kind = 'numeric';
  else if (
    withSpaces >= TEXT_MIN_SPACED &&
    meanLength >= TEXT_MIN_MEAN_LENGTH &&
    distinct.size / present >= TEXT_MIN_DISTINCT_SHARE
  )
    kind = 'text';
  else kind = 'categorical';
  return {
    name,
    kind,
    present,
    missing: values.length - present,
    distinct: distinct.size,
    fractional: kind === 'numeric' && fractional,
    meanLength,
    withSpaces,
  };
}

/**
 * When values that do not fit a column's type (a word in a numeric column) are read as missing
 * instead of changing the column's type: when they are rare and few in spelling, they are
 * ad-hoc missing markers (`unknown`, `-`, `n.a.`), and turning 99% numbers into categories
 * would throw away the numbers. Anything more is a different column type.
 */
export const MISFIT_POLICY = {
  /** At most this share of the column's non-missing values. */
  maxShare: 0.01,
  /** At most this many different spellings. */
  maxSpellings: 3,
  tolerates(misfits: number, spellings: number, nonMissing: number): boolean {
    return misfits === 0 || (spellings <= this.maxSpellings && misfits <= this.maxShare * nonMissing);
  },
} as const;

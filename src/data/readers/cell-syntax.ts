/**
 * How a raw table cell is spelt, and what it means: the one place that decides which strings are
 * missing, numbers, booleans or dates, so type inference and parsing can never disagree.
 * Every function takes the cell as read (already trimmed by the record reader).
 */
export const cellSyntax = {
  /** Empty, `NA`, `N/A`, `null`, `NaN` or `?` (any case): the usual spellings of "no value". */
  isMissing(raw: string): boolean {
    return raw === '' || (raw.length <= 4 && MISSING.has(raw.toLowerCase()));
  },

  /**
   * A finite number, or how a number-like cell must be read: `grouped` for thousands separators
   * (`1,234.5`, `1 234`), `infinite` for `Infinity`/`-inf` (stored as missing: no model can use it).
   * Hexadecimal, `1e`, or decimal commas (`1,5`) are not numbers.
   */
  number(raw: string): { value: number; style: 'plain' | 'grouped' | 'infinite' } | undefined {
    if (PLAIN.test(raw)) return { value: Number(raw), style: 'plain' };
    if (GROUPED_COMMA.test(raw)) return { value: Number(raw.replaceAll(',', '')), style: 'grouped' };
    if (GROUPED_SPACE.test(raw)) return { value: Number(raw.replace(/[ \u00a0\u202f]/g, '')), style: 'grouped' };
    if (INFINITE.test(raw)) return { value: NaN, style: 'infinite' };
    return undefined;
  },

  /**
   * `true`/`false`/`yes`/`no` (any case) and `1`/`0`. `word` is false for the digits, because a
   * column of only 0 and 1 is read as numeric (see inferColumnType).
   */
  boolean(raw: string): { value: 0 | 1; word: boolean } | undefined {
    if (raw === '1') return { value: 1, word: false };
    if (raw === '0') return { value: 0, word: false };
    if (raw.length > 5) return undefined;
    const value = BOOLEAN_WORDS.get(raw.toLowerCase());
    return value === undefined ? undefined : { value, word: true };
  },

  /**
   * Milliseconds since the epoch for ISO 8601 dates: `YYYY-MM-DD` (or `YYYY/MM/DD`), optionally
   * with a time `THH:MM[:SS[.fff]]` (or a space instead of `T`) and a zone `Z`/`±HH:MM`. A time
   * without a zone is taken as UTC, so the result does not depend on the machine. Day/month
   * orders such as `03/04/2020` are ambiguous and are not dates.
   */
  date(raw: string): number | undefined {
    if (raw.length < 10 || raw.length > 40) return undefined;
    const m = DATE.exec(raw);
    if (!m) return undefined;
    const [, y, , mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
    const year = Number(y);
    const month = Number(mo);
    const day = Number(d);
    const hour = Number(h);
    const minute = Number(mi);
    const second = Number(s);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
    const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
    return Date.UTC(year, month - 1, day, hour, minute, second, ms) - zoneOffsetMinutes(zone) * 60_000;
  },

  /** `007`, `02134`: digits with a leading zero are codes (ZIP codes, IDs), not quantities. */
  hasLeadingZero(raw: string): boolean {
    return LEADING_ZERO.test(raw);
  },
} as const;

const MISSING = new Set(['', 'na', 'n/a', 'null', 'nan', '?']);
const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const GROUPED_COMMA = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
// A plain space, a no-break space and a narrow no-break space all serve as thousands separators.
const GROUPED_SPACE = /^[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:\.\d+)?$/;
const INFINITE = /^[+-]?inf(?:inity)?$/i;
const LEADING_ZERO = /^[+-]?0\d+$/;
const BOOLEAN_WORDS = new Map<string, 0 | 1>([
  ['true', 1],
  ['false', 0],
  ['yes', 1],
  ['no', 0],
]);
const DATE = /^(\d{4})([-/])(\d{2})\2(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return DAYS_IN_MONTH[month - 1] + (leap ? 1 : 0);
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

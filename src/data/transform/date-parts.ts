import type { DatePart } from './table-transform.ts';

/** The calendar `part` of an instant in UTC: year, month 1-12, day of week 0 (Sunday) - 6, fractional hour. */
export function datePart(ms: number, part: DatePart): number {
  const d = new Date(ms);
  switch (part) {
    case 'year':
      return d.getUTCFullYear();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'dayOfWeek':
      return d.getUTCDay();
    case 'hour':
      return d.getUTCHours() + d.getUTCMinutes() / 60;
  }
}

/** How the dashboard writes numbers, times and hashes (durations and sizes: src/render/). */
export { formatDuration } from '../src/render/format-duration.ts';
export { formatBytes } from '../src/render/format-bytes.ts';

/** A metric value: 4 decimals, or exponent form for the very large or small; `–` when absent. */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return '–';
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return v.toLocaleString('en-US');
  return Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(digits);
}

/** `2026-12-05 07:16:49` in the viewer's time zone. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The first 12 characters of a hash or run id: enough to tell them apart on screen. */
export function shortHash(hash: string | undefined): string {
  return hash ? hash.slice(0, 12) : '–';
}

/** Any value of a param or metric table as text. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** A run id as a reader tells runs apart: `075354-99a8` of `20261205-075354-99a8` (every id of a day shares the date). */
export function shortRunId(id: string): string {
  return /^\d{8}-(\d{6}-[0-9a-z]+)$/.exec(id)?.[1] ?? id.slice(0, 12);
}

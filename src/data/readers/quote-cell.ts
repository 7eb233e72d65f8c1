import { formatBytes } from '../../render/format-bytes.ts';

/** Past this many characters a quoted cell also gives its size: a runaway field is then plain to see. */
const SIZE_FROM = 1000;

/**
 * A cell value as messages show it: JSON-quoted (so spaces and quotes are visible), cut at 40
 * characters; a long one is followed by its size, e.g. `"xxxx…" (a 20 MB field)`.
 */
export function quoteCell(value: string): string {
  const quoted = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return value.length > SIZE_FROM ? `${quoted} (a ${formatBytes(Buffer.byteLength(value))} field)` : quoted;
}

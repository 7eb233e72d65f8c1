/** Prints a value as indented JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  printedJson = true;
}

let printedJson = false;

/**
 * Whether this command already printed its JSON result: an error it ends with (validate's
 * anomalies, exit 1) then goes to stderr only, so stdout stays one JSON document.
 */
export function jsonResultPrinted(): boolean {
  return printedJson;
}

/** Prints rows as a left-aligned plain-text table on stdout. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
}

/** Formats a metric for people: 4 significant decimals, no trailing noise. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1000 ? v.toFixed(1) : v.toPrecision(4);
}

/** A cell value as messages show it: JSON-quoted (so spaces and quotes are visible), cut at 40 characters. */
export function quoteCell(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

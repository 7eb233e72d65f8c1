/** A value as the user wrote it, short: `5`, `"abc"`, `[1, 2]`, `an empty value`. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value)) {
    const items = `[${value.map(formatValue).join(', ')}]`;
    return items.length <= 40 ? items : `a list of ${value.length} items`;
  }
  if (typeof value === 'object') return 'a mapping of fields';
  return String(value);
}

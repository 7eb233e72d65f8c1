/** Collects a repeatable option's values (commander's reducer): `--plugin a --plugin b` → [a, b]. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

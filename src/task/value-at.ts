import type { FieldPath } from './source-locator.ts';

/** The value at `path` inside `input`, or undefined where the path does not exist. */
export function valueAt(input: unknown, path: FieldPath): unknown {
  let node = input;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}

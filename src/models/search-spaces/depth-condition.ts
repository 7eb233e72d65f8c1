import type { Condition } from '../../search/space.ts';

/** The condition "`parent` ≥ `index`" for an int parent in [·, `max`], written as the value list conditions take. */
export function depthAtLeast(parent: string, index: number, max: number): Condition {
  return { parent, values: Array.from({ length: max - index + 1 }, (_, k) => index + k) };
}

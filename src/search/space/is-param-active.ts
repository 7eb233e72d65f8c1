import type { Param, Params } from '../space.ts';
import { jsonEquals } from './json-equals.ts';

/**
 * Whether `param` is active given the values sampled so far. A parent that is absent (itself
 * inactive, or not sampled) makes the child inactive, so conditions chain down a tree.
 */
export function isParamActive(param: Param, params: Params): boolean {
  const condition = param.condition;
  if (condition === undefined) return true;
  if (!Object.hasOwn(params, condition.parent)) return false;
  const parentValue = params[condition.parent];
  return condition.values.some((v) => jsonEquals(v, parentValue));
}

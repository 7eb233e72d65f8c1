import type { JsonValue, Params, SearchSpace } from '../space.ts';
import { isParamActive } from './is-param-active.ts';

/**
 * Names of the parameters that are active for `params`, in space order. Only values of active
 * parents count, so a stale value left under an inactive parent cannot switch a grandchild on.
 */
export function activeParams(space: SearchSpace, params: Params): string[] {
  const active: Record<string, JsonValue> = {};
  const names: string[] = [];
  for (const param of space.params) {
    if (!isParamActive(param, active)) continue;
    names.push(param.name);
    if (Object.hasOwn(params, param.name)) active[param.name] = params[param.name];
  }
  return names;
}

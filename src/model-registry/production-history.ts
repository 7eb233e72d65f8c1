import type { StageEvent } from './model-registry-store.ts';

/**
 * The version a rollback returns production to: the newest version that was in production before
 * `current`, replaying the history as a stack. A promotion to production pushes its version; a
 * rollback pops the version it took out of production; a version archived (or moved out of
 * production) on request is removed, since someone retired it on purpose. A version replaced by
 * a newer one stays: that is exactly what a rollback brings back. Undefined when none is left.
 */
export function productionBefore(events: readonly StageEvent[], current: number): number | undefined {
  const stack: number[] = [];
  const drop = (version: number): void => {
    for (let k = stack.length - 1; k >= 0; k--) if (stack[k] === version) stack.splice(k, 1);
  };
  for (const e of events) {
    if (e.kind === 'promote' && e.to === 'production') stack.push(e.version);
    else if (e.kind === 'rollback' && e.from === 'production') {
      const k = stack.lastIndexOf(e.version);
      if (k >= 0) stack.splice(k, 1);
    }
    else if (e.kind === 'promote' && (e.to === 'archived' || e.from === 'production')) drop(e.version);
  }
  return stack.filter((v) => v !== current).at(-1);
}

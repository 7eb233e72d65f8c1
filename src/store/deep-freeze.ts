/**
 * Freezes a plain value and everything it holds, in place, and returns it: what the stores return
 * and the validated task are read-only all the way down, so no caller can change a shared record.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

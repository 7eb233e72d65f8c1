import { Registry } from '../../extensions/registry.ts';
import { ashaScheduler } from './asha-scheduler.ts';
import { medianScheduler } from './median-scheduler.ts';
import type { SchedulerEntry } from './scheduler.ts';

/** Registers deepline's own schedulers by name, exactly as a user's would be. */
export function registerBuiltins(registry: Registry<SchedulerEntry>): void {
  const builtins = [ashaScheduler, medianScheduler] as SchedulerEntry[];
  for (const entry of builtins) registry.register(entry.name, entry);
}

/** A scheduler registry holding the built-ins, for callers that add none of their own. */
export function createSchedulerRegistry(): Registry<SchedulerEntry> {
  const registry = new Registry<SchedulerEntry>('scheduler');
  registerBuiltins(registry);
  return registry;
}

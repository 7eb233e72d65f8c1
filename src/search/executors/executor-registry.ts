import { Registry } from '../../extensions/registry.ts';
import type { ExecutorEntry } from './executor-entry.ts';
import { LocalProcessExecutor } from './local-process-executor.ts';
import { bullmqExecutor } from './bullmq-executor-entry.ts';

const localExecutor: ExecutorEntry = {
  name: 'local',
  description: 'worker processes on this machine, one per core by default',
  create: (options) => new LocalProcessExecutor(options),
};

/** Registers deepline's own executors, exactly as a user's would be. */
export function registerBuiltins(registry: Registry<ExecutorEntry>): void {
  registry.register(localExecutor.name, localExecutor);
  registry.register(bullmqExecutor.name, bullmqExecutor);
}

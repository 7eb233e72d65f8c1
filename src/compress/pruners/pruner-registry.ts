import type { Registry } from '../../extensions/registry.ts';
import { channelPruner } from './channel-pruner.ts';
import { magnitudePruner } from './magnitude-pruner.ts';
import type { Pruner } from './pruner.ts';

/** Registers deepline's pruning methods, keyed by the names `compress.prune.method` takes. */
export function registerBuiltins(registry: Registry<Pruner>): void {
  registry.register(channelPruner.name, channelPruner as Pruner);
  registry.register(magnitudePruner.name, magnitudePruner as Pruner);
}

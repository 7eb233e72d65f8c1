import { Registry } from '../../extensions/registry.ts';
import { gridSampler } from './grid-sampler.ts';
import { randomSampler } from './random-sampler.ts';
import type { SamplerEntry } from './sampler.ts';
import { tpeSampler } from './tpe-sampler.ts';

/** Registers deepline's own samplers, exactly as a user's would be. */
export function registerBuiltins(registry: Registry<SamplerEntry>): void {
  for (const entry of [randomSampler, gridSampler, tpeSampler] as SamplerEntry[]) registry.register(entry.name, entry);
}

/** A sampler registry holding the built-ins, for callers that add none of their own. */
export function createSamplerRegistry(): Registry<SamplerEntry> {
  const registry = new Registry<SamplerEntry>('sampler');
  registerBuiltins(registry);
  return registry;
}

import { createRegistries } from '../context/registries.ts';
import type { FamilyRegistry } from '../models/families/family-registry.ts';

/** The built-in model families, loaded, as a run context holds them: for tests of models and training. */
export function builtinFamilies(): Promise<FamilyRegistry> {
  return createRegistries().families.ready();
}

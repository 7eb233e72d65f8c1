import { Registry } from '../../extensions/registry.ts';
import type { Augmenter } from './augmenter.ts';
import { cropAugmenter } from './crop-augmenter.ts';
import { flipAugmenter } from './flip-augmenter.ts';
import { noiseAugmenter } from './noise-augmenter.ts';
import { rotateAugmenter } from './rotate-augmenter.ts';
import { shiftAugmenter } from './shift-augmenter.ts';
import { tokenDropoutAugmenter } from './token-dropout-augmenter.ts';

/** Registers deepline's own augmenters, keyed `appliesTo/name` (`image/flip`), exactly as a user's would be. */
export function registerBuiltins(registry: Registry<Augmenter>): void {
  const builtins: Augmenter[] = [flipAugmenter, shiftAugmenter, rotateAugmenter, cropAugmenter, noiseAugmenter, tokenDropoutAugmenter];
  for (const augmenter of builtins) registry.register(`${augmenter.appliesTo}/${augmenter.name}`, augmenter);
}

/** An augmenter registry holding the built-ins, for callers that add none of their own. */
export function createAugmenterRegistry(): Registry<Augmenter> {
  const registry = new Registry<Augmenter>('augmenter');
  registerBuiltins(registry);
  return registry;
}

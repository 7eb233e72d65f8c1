import { createRequire } from 'node:module';
import { loadNativeAddon } from './native/native-addon.ts';

export type EngineName = 'auto' | 'native' | 'tfjs-node' | 'wasm' | 'cpu';
export type ResolvedEngine = Exclude<EngineName, 'auto'>;

/** `auto`'s preference, fastest first. */
export const AUTO_ORDER: readonly ResolvedEngine[] = ['native', 'tfjs-node', 'wasm', 'cpu'];

/**
 * The engine `initEngine(name)` will start, found without loading TF.js: a run whose steps are
 * all cached records its engine and never starts one. `initEngine` stays the authority: it also
 * catches an installed tfjs-node whose binary does not load.
 */
export function probeEngine(name: EngineName): ResolvedEngine {
  if (name !== 'auto') return name;
  return AUTO_ORDER.find(isAvailable) ?? 'cpu';
}

function isAvailable(engine: ResolvedEngine): boolean {
  switch (engine) {
    case 'native':
      return loadNativeAddon().addon !== undefined;
    case 'tfjs-node':
      try {
        createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
        return true;
      } catch {
        return false;
      }
    case 'wasm':
    case 'cpu':
      return true;
  }
}

import type { Registry } from '../../extensions/registry.ts';
import type { Packager } from './packager.ts';
import { browserPackager } from './browser-packager.ts';
import { serverPackager } from './server-packager.ts';

/** Registers deepline's own bundle targets, keyed by `deepline package --target <name>`. */
export function registerBuiltins(registry: Registry<Packager>): void {
  registry.register(serverPackager.name, serverPackager);
  registry.register(browserPackager.name, browserPackager);
}

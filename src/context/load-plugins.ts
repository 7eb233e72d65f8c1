import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DeeplineError } from '../errors/index.ts';
import type { Registries } from './registries.ts';

/**
 * What `register` is given: the registries to add entries to, and deepline's error class, so a
 * plugin's own errors (a reader's bad row, say) reach the user as deepline's do: a code, the file
 * and line, a hint, and no stack trace.
 */
export interface PluginContext {
  readonly registries: Registries;
  readonly DeeplineError: typeof DeeplineError;
}

/** What a plugin module exports: `register` adds its entries to the registries it is given. */
export interface DeeplinePlugin {
  register(context: PluginContext): void | Promise<void>;
}

const loadedInto = new WeakMap<Registries, Set<string>>();

/** A plugin path made absolute against the folder of the file that named it. */
export function resolvePluginPath(path: string, baseDir: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/**
 * Imports each plugin module (absolute paths, in order) and calls its `register(context)`. A
 * missing file, a module that fails to load or has no `register`, or a registration that throws
 * (a duplicate name) is a DL_PLUGIN error naming the plugin.
 */
export async function loadPlugins(paths: readonly string[], context: { readonly registries: Registries }): Promise<void> {
  const loaded = loadedInto.get(context.registries) ?? new Set<string>();
  loadedInto.set(context.registries, loaded);
  for (const path of paths) {
    // A task validated twice (or named by the file and the command line) registers once.
    if (loaded.has(path)) continue;
    loaded.add(path);
    if (!existsSync(path)) {
      throw new DeeplineError('DL_PLUGIN', `plugin ${path} does not exist`, {
        hint: 'plugin paths in a task file are relative to the task file; on the command line, to the current folder',
        location: { file: path },
      });
    }
    let plugin: Partial<DeeplinePlugin>;
    try {
      plugin = (await import(pathToFileURL(path).href)) as Partial<DeeplinePlugin>;
    } catch (e) {
      throw new DeeplineError('DL_PLUGIN', `plugin ${path} failed to load: ${(e as Error).message.split('\n')[0]}`, {
        hint: 'a plugin is a JavaScript module (TypeScript where a loader such as tsx is active) exporting register(context)',
        location: { file: path },
        cause: e,
      });
    }
    if (typeof plugin.register !== 'function') {
      throw new DeeplineError('DL_PLUGIN', `plugin ${path} exports no register(context) function`, {
        hint: 'export function register(context) { context.registries.samplers.register(...) }',
        location: { file: path },
      });
    }
    try {
      await plugin.register({ registries: context.registries, DeeplineError });
    } catch (e) {
      throw new DeeplineError('DL_PLUGIN', `plugin ${path}: register failed: ${(e as Error).message}`, {
        hint: 'see docs/extending.md for what each registry expects',
        location: { file: path },
        cause: e,
      });
    }
  }
}

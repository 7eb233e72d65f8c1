import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DeeplineError } from '../errors/index.ts';
import type { ServingStage } from '../model-registry/model-registry-store.ts';
import type { OpenWorkspaceOptions } from '../store/workspace.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A model from the registry: which one, the version resolved now, and the stage it follows (absent for `name@3`). */
export interface RegistrySource {
  readonly model: string;
  readonly version: number;
  readonly stage?: ServingStage;
}

export interface ResolvedRunFolder {
  readonly name?: string;
  readonly dir: string;
  /** Set when the folder is a registered version's pinned copy. */
  readonly registry?: RegistrySource;
}

/**
 * A run's output folder from what a user typed: `name=folder` (a name to serve it under), a
 * folder, a registered model (`iris`: its production version; `iris@staging`, `iris@3`), or a
 * run id or its prefix (its output folder, from the metadata store in `home`). `registry: false`
 * leaves registered models out, for commands that write into the folder (a pinned version is read-only).
 * `store` names the stores when they are not the embedded ones in `home` (`storeOptions`).
 */
export async function resolveRunFolder(spec: string, home: string, options: { registry?: boolean; store?: OpenWorkspaceOptions } = {}): Promise<ResolvedRunFolder> {
  const eq = spec.indexOf('=');
  const name = eq > 0 ? spec.slice(0, eq) : undefined;
  const target = eq > 0 ? spec.slice(eq + 1) : spec;
  if (name !== undefined && !NAME.test(name)) {
    throw new DeeplineError('DL_USAGE', `${JSON.stringify(name)} cannot name a served model`, { hint: 'use letters, digits, dot, dash and underscore (up to 64), starting with a letter or digit' });
  }
  if (existsSync(target) && statSync(target).isDirectory()) return { ...(name !== undefined && { name }), dir: resolve(target) };
  const [{ openWorkspace }, { openModelRegistry }, { parseModelRef, resolveModelRef }, { pinnedFolder }] = await Promise.all([
    import('../store/workspace.ts'),
    import('../model-registry/open-model-registry.ts'),
    import('../model-registry/model-ref.ts'),
    import('../model-registry/pinned-folder.ts'),
  ]);
  const workspace = await openWorkspace(home, options.store);
  const registry = openModelRegistry(workspace);
  try {
    const ref = parseModelRef(target);
    // `iris@…` can only mean the registry; a bare name is a registered model first, then a run id.
    if (options.registry !== false && ref && (target.includes('@') || (await registry.getModel(ref.model)))) {
      const version = await resolveModelRef(registry, ref);
      return {
        name: name ?? ref.model,
        dir: await pinnedFolder(workspace.artifacts, version),
        registry: { model: ref.model, version: version.version, ...(ref.stage && { stage: ref.stage }) },
      };
    }
    const runs = await workspace.metadata.listRuns();
    const run = runs.find((r) => r.id === target) ?? runs.find((r) => r.id.startsWith(target));
    const output = (run?.spec as { output?: string } | undefined)?.output;
    if (!run || !output) {
      const registered = options.registry !== false;
      throw new DeeplineError('DL_USAGE', `${target} is neither a folder${registered ? ', a registered model' : ''} nor a run id in ${workspace.location}`, {
        hint: `give the output folder of a run (e.g. out/iris)${registered ? ', a model from `deepline registry list`' : ''} or an id from \`deepline runs\``,
      });
    }
    return { ...(name !== undefined && { name }), dir: output };
  } finally {
    await registry.close();
    await workspace.close();
  }
}

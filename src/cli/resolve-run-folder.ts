import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DeeplineError } from '../errors/index.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * A run's output folder from what a user typed: `name=folder` (a name to serve it under), a
 * folder, or a run id or its prefix (its output folder, from the metadata store in `home`).
 */
export async function resolveRunFolder(spec: string, home: string): Promise<{ name?: string; dir: string }> {
  const eq = spec.indexOf('=');
  const name = eq > 0 ? spec.slice(0, eq) : undefined;
  const target = eq > 0 ? spec.slice(eq + 1) : spec;
  if (name !== undefined && !NAME.test(name)) {
    throw new DeeplineError('DL_USAGE', `${JSON.stringify(name)} cannot name a served model`, { hint: 'use letters, digits, dot, dash and underscore (up to 64), starting with a letter or digit' });
  }
  if (existsSync(target) && statSync(target).isDirectory()) return { ...(name !== undefined && { name }), dir: resolve(target) };
  const { openWorkspace } = await import('../store/workspace.ts');
  const workspace = await openWorkspace(home);
  try {
    const runs = await workspace.metadata.listRuns();
    const run = runs.find((r) => r.id === target) ?? runs.find((r) => r.id.startsWith(target));
    const output = (run?.spec as { output?: string } | undefined)?.output;
    if (!run || !output) {
      throw new DeeplineError('DL_USAGE', `${target} is neither a folder nor a run id in ${home}`, { hint: 'give the output folder of a run (e.g. out/iris) or an id from `deepline runs`' });
    }
    return { ...(name !== undefined && { name }), dir: output };
  } finally {
    await workspace.close();
  }
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeeplineError, fileAccessError } from '../../errors/index.ts';
import { PRIOR_FORMAT_VERSION, type PriorFile } from '../../store/formats/prior-task.ts';
import { checkPriorTask } from '../../store/metadata/check-prior-task.ts';

/** The prior deepline ships: `priors/default-prior.json` at the package root (from src/ and dist/ alike). */
export const DEFAULT_PRIOR_FILE = join(import.meta.dirname, '..', '..', '..', 'priors', 'default-prior.json');

/** The shipped prior's path, or the one `DEEPLINE_PRIOR` names (`none`: no shipped prior). */
export function shippedPriorPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env.DEEPLINE_PRIOR;
  if (named === 'none') return undefined;
  return named !== undefined && named !== '' ? named : DEFAULT_PRIOR_FILE;
}

/** Reads and checks a prior file; DL_PRIOR names the file, the task and the field at fault. */
export async function readPriorFile(path: string): Promise<PriorFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw fileAccessError(e, path, { what: 'prior file', action: 'read' });
  }
  let parsed: PriorFile;
  try {
    parsed = JSON.parse(text) as PriorFile;
  } catch (e) {
    throw new DeeplineError('DL_PRIOR', `${path} is not JSON: ${(e as Error).message}`, { hint: 'rebuild it with `deepline prior build --out <file>`', location: { file: path } });
  }
  if (parsed?.formatVersion !== PRIOR_FORMAT_VERSION) {
    throw new DeeplineError('DL_PRIOR', `${path}: formatVersion must be ${PRIOR_FORMAT_VERSION}, but got ${JSON.stringify(parsed?.formatVersion)}`, {
      hint: 'rebuild it with this version of deepline: `deepline prior build --out <file>`',
      location: { file: path, field: 'formatVersion' },
    });
  }
  if (!Array.isArray(parsed.tasks)) {
    throw new DeeplineError('DL_PRIOR', `${path}: tasks must be a list of past tasks`, { hint: 'rebuild it with `deepline prior build --out <file>`', location: { file: path, field: 'tasks' } });
  }
  parsed.tasks.forEach((task, i) => checkPriorTask(task, `${path}: tasks[${i}] ("${String(task?.name)}")`));
  return parsed;
}

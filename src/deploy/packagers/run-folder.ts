import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeeplineError, fileAccessError } from '../../errors/index.ts';

/** What a packager reads of a run's output folder. */
export interface RunFolder {
  /** The run's task name (run.json), the default name of the packaged model. */
  readonly name: string;
  readonly task: string;
  /** transform.json as written by the run (its `kind` says images, tables or other tensors). */
  readonly transform: { readonly kind?: string; readonly [field: string]: unknown };
  readonly metrics: { readonly classes?: readonly string[]; readonly [field: string]: unknown };
  /** deepline's version, recorded in what it generates. */
  readonly deeplineVersion: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Reads a run's output folder for packaging; every file in `required` must be there, else a
 * DL_DATA_MISSING error naming it (a run with `export: []` has no model.onnx, for one).
 */
export async function readRunFolder(dir: string, required: readonly string[]): Promise<RunFolder> {
  for (const file of required) {
    if (!existsSync(join(dir, file))) {
      throw new DeeplineError('DL_DATA_MISSING', `${join(dir, file)} does not exist, so ${dir} cannot be packaged`, {
        hint: file === 'model.onnx' ? 'package the output folder of a run with `export: [onnx]` (the default)' : 'package the output folder of a completed deepline run',
        location: { file: join(dir, file) },
      });
    }
  }
  const json = async (file: string): Promise<Record<string, unknown>> => {
    try {
      return JSON.parse(await readFile(join(dir, file), 'utf8')) as Record<string, unknown>;
    } catch (e) {
      if (e instanceof SyntaxError) throw new DeeplineError('DL_DATA_FORMAT', `${join(dir, file)} is not valid JSON: ${e.message}`, { hint: 'rerun the run that wrote it', location: { file: join(dir, file) } });
      throw fileAccessError(e, join(dir, file), { what: 'run output file' });
    }
  };
  const run = existsSync(join(dir, 'run.json')) ? await json('run.json') : {};
  const name = typeof run.name === 'string' && NAME.test(run.name) ? run.name : 'model';
  return {
    name,
    task: typeof run.task === 'string' ? run.task : 'unknown',
    transform: await json('transform.json'),
    metrics: await json('metrics.json'),
    deeplineVersion: deeplineVersion(),
  };
}

/** Creates `dir`, which must not hold anything yet: a bundle never mixes with older files. */
export async function prepareOutDir(dir: string): Promise<void> {
  if (existsSync(dir) && (await readdir(dir)).length > 0) {
    throw new DeeplineError('DL_USAGE', `${dir} is not empty`, { hint: 'package into a new or empty folder (--out <dir>)' });
  }
  await mkdir(dir, { recursive: true });
}

/** Every file under `dir`, as sorted paths relative to it. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

let version: string | undefined;

/** deepline's own version, from its package.json (two folders up from src/ or dist/). */
export function deeplineVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}

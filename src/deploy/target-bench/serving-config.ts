import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DeeplineError, fileAccessError, isFileSystemError } from '../../errors/index.ts';
import { FORMAT_VERSIONS } from '../../store/formats/format-versions.ts';
import { SERVING_ENGINES, type ServingEngine } from './serving-engine.ts';

export const SERVING_CONFIG_VERSION = FORMAT_VERSIONS.servingConfig;

/** The file in a run's output folder that `deepline serve` takes its defaults from. */
export const SERVING_FILE = 'serving.json';

export { SERVING_ENGINES, type ServingEngine } from './serving-engine.ts';

/** The most milliseconds a request may spend in the server, and where that figure came from. */
export interface LatencyObjective {
  readonly maxLatencyMs: number;
  /** `option`: --max-latency-ms; `task`: the task's constraints.maxLatencyMs; `default`: none was set. */
  readonly source: 'option' | 'task' | 'default';
}

/** What the target benchmark chose (see chooseServing). */
export interface ServingChoice {
  readonly engine: ServingEngine;
  /** The most instances run together. */
  readonly maxBatch: number;
  /** How long a lone request waits for others, in whole milliseconds. */
  readonly maxWaitMs: number;
  /** The worst time a request spends in the server with these settings, by the measurements. */
  readonly latencyBoundMs: number;
  /** Examples per second at `maxBatch`. */
  readonly throughput: number;
  readonly meetsObjective: boolean;
  readonly reason: string;
}

/** `serving.json`: the settings `deepline serve` uses for a model unless told otherwise. */
export interface ServingConfig extends ServingChoice {
  readonly formatVersion: typeof SERVING_CONFIG_VERSION;
  /** ONNX Runtime's intra-op threads and the native engine's kernel threads. */
  readonly threads: number;
  readonly objective: LatencyObjective;
  /** The model measured (modelFingerprint): settings measured on another model are not used. */
  readonly modelSha256: string;
  readonly measuredAt: string;
}

const configSchema = z.object({
  formatVersion: z.literal(SERVING_CONFIG_VERSION),
  engine: z.enum(SERVING_ENGINES),
  maxBatch: z.int().positive(),
  maxWaitMs: z.number().nonnegative(),
  threads: z.int().positive(),
  latencyBoundMs: z.number().nonnegative(),
  throughput: z.number().nonnegative(),
  meetsObjective: z.boolean(),
  reason: z.string(),
  objective: z.object({ maxLatencyMs: z.number().positive(), source: z.enum(['option', 'task', 'default']) }),
  modelSha256: z.string(),
  measuredAt: z.string(),
});

/** The folder's serving.json, checked; undefined when there is none. */
export async function readServingConfig(dir: string): Promise<ServingConfig | undefined> {
  const file = join(dir, SERVING_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (isFileSystemError(e) && e.code === 'ENOENT') return undefined;
    throw fileAccessError(e, file, { what: 'serving settings' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw unreadable(file, dir, (e as Error).message);
  }
  const checked = configSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw unreadable(file, dir, `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return checked.data as ServingConfig;
}

function unreadable(file: string, dir: string, why: string): DeeplineError {
  return new DeeplineError('DL_DATA_FORMAT', `${file} is not a serving.json deepline can read (${why})`, {
    hint: `rerun \`deepline bench-target ${dir}\` to measure and write it again, or delete it to serve with the defaults`,
    location: { file },
  });
}

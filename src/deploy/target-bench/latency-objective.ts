import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MAX_LATENCY_MS } from './choose-serving.ts';
import type { LatencyObjective } from './serving-config.ts';

export interface LatencyObjectiveOptions {
  /** The workspace the run was recorded in (`--home`); read only when it exists. */
  readonly home: string;
  /** Given on the command line: it wins over the task's. */
  readonly maxLatencyMs?: number;
}

/**
 * The latency objective for a run's output folder: the option when given; else the task's
 * `constraints.maxLatencyMs`, from the run's spec in the metadata store (found by the run id in
 * run.json) or, where that store is elsewhere, from study.json (a search records the constraints
 * it honoured); else DEFAULT_MAX_LATENCY_MS.
 */
export async function latencyObjectiveOf(dir: string, options: LatencyObjectiveOptions): Promise<LatencyObjective> {
  if (options.maxLatencyMs !== undefined) return { maxLatencyMs: options.maxLatencyMs, source: 'option' };
  const stored = await fromStore(dir, options.home);
  // The recorded spec is the task itself; study.json only stands in when the run is not in this store.
  const limit = stored === undefined ? await fromStudy(dir) : (stored ?? undefined);
  return limit !== undefined ? { maxLatencyMs: limit, source: 'task' } : { maxLatencyMs: DEFAULT_MAX_LATENCY_MS, source: 'default' };
}

/** The run's objective from its recorded spec: a number, null when the spec sets none, undefined when the run is not there. */
async function fromStore(dir: string, home: string): Promise<number | null | undefined> {
  const runId = (await readJson<{ runId?: unknown }>(join(dir, 'run.json')))?.runId;
  // Opening a workspace creates one; only an existing store is read.
  if (typeof runId !== 'string' || !existsSync(join(home, 'metadata.db'))) return undefined;
  const { openWorkspace } = await import('../../store/workspace.ts');
  const workspace = await openWorkspace(home);
  try {
    const run = await workspace.metadata.getRun(runId);
    if (!run) return undefined;
    const limit = (run.spec as { constraints?: { maxLatencyMs?: unknown } } | undefined)?.constraints?.maxLatencyMs;
    return typeof limit === 'number' && limit > 0 ? limit : null;
  } finally {
    await workspace.close();
  }
}

async function fromStudy(dir: string): Promise<number | undefined> {
  const limit = (await readJson<{ constraints?: { maxLatencyMs?: unknown } }>(join(dir, 'study.json')))?.constraints?.maxLatencyMs;
  return typeof limit === 'number' && limit > 0 ? limit : undefined;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

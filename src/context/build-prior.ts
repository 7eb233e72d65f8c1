import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { META_TRAINING_TASKS, writeMetaTrainingTasks, type MetaTrainingTask } from '../search/warm-start/meta-training-tasks.ts';
import { PRIOR_FORMAT_VERSION, type PriorFile, type PriorTask } from '../store/formats/prior-task.ts';
import { openWorkspace } from '../store/workspace.ts';
import { parseTaskObject } from '../task/parse-task-object.ts';
import { runTask } from './run-task.ts';

export interface BuildPriorOptions {
  /** Trials each task's search runs (cold: no prior of its own). */
  readonly trials: number;
  readonly seed: number;
  /** Meta-training tasks to leave out, by name. */
  readonly exclude?: readonly string[];
  /** Called as each task starts and ends, for progress. */
  readonly onTask?: (event: { name: string; index: number; total: number; done?: { seconds: number; bestError?: number } }) => void;
}

/**
 * Builds a prior from the meta-training set (search/warm-start/meta-training-tasks.ts): each task
 * is generated, run end to end by `runTask` with a cold search of `trials` trials in a scratch
 * workspace, and its study's record in that workspace's prior store becomes one task of the
 * file, named `meta/<task>`. The meta-training tasks are synthetic tables of known structure;
 * no benchmark evaluates deepline on them except bench:warmstart, leaving each one out in turn.
 */
export async function buildPrior(options: BuildPriorOptions): Promise<PriorFile> {
  const scratch = await mkdtemp(join(tmpdir(), 'deepline-prior-build-'));
  try {
    const tasks = META_TRAINING_TASKS.filter((t) => !options.exclude?.includes(t.name));
    const written = await writeMetaTrainingTasks(join(scratch, 'data'), tasks, options.seed);
    const workspace = await openWorkspace(join(scratch, 'home'));
    const out: PriorTask[] = [];
    try {
      for (const [index, task] of written.entries()) {
        options.onTask?.({ name: task.name, index, total: written.length });
        const started = performance.now();
        const spec = await parseTaskObject(coldTask(task.taskObject, options.trials, join(scratch, 'out', task.name)), { baseDir: scratch });
        await runTask(spec, { workspace });
        const recorded = (await contextPriors(workspace.home)).find((t) => t.label === task.name);
        if (recorded) out.push({ ...recorded, name: `meta/${task.name}` });
        options.onTask?.({ name: task.name, index, total: written.length, done: { seconds: (performance.now() - started) / 1000, ...(recorded && { bestError: recorded.configs[0].error }) } });
      }
    } finally {
      await workspace.close();
    }
    return { formatVersion: PRIOR_FORMAT_VERSION, builtWith: describeBuild(tasks, options), tasks: out };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * A meta-training (or benchmark) task as a cold search runs it: `trials` trials, no prior, and
 * no stages after the evaluation (ONNX export, attacks) that the prior does not learn from.
 */
export function coldTask(taskObject: Record<string, unknown>, trials: number, output: string, prior: boolean = false): Record<string, unknown> {
  return { ...taskObject, output, budget: { trials }, search: { prior }, export: [], security: { enabled: false } };
}

async function contextPriors(home: string): Promise<PriorTask[]> {
  const { SqlitePriorStore } = await import('../store/metadata/sqlite-prior-store.ts');
  const store = new SqlitePriorStore(join(home, 'metadata.db'));
  try {
    return await store.list();
  } finally {
    await store.close();
  }
}

function describeBuild(tasks: readonly MetaTrainingTask[], options: BuildPriorOptions): string {
  return `deepline prior build --trials ${options.trials} --seed ${options.seed}${options.exclude?.length ? ` --exclude ${options.exclude.join(',')}` : ''}: ${tasks.length} synthetic meta-training tasks (${tasks.map((t) => t.name).join(', ')})`;
}

/**
 * Warm-start benchmark (issue 18, level 4): leave-one-task-out over the meta-training set the
 * shipped prior is built from. For each task, a cold search (search.prior: false) and a warm one
 * (search.prior on, with the prior file minus that task), same data, seed and trial budget, each
 * run end to end by runTask in a fresh workspace (so no study of the task itself is near).
 *
 *   npm run bench:warmstart -- [--tasks xor,rings] [--trials 30] [--prior priors/default-prior.json] [--seed 1]
 *
 * Measured per task from the two studies: the cold search's final validation error (its best
 * complete trial), the time and trials each search took to reach it (time from the first trial's
 * start to the end of the first trial at or below it; a warm search that never does counts its
 * whole search, shown with ">", and counts as no speed-up in the median), and both final models'
 * test score (accuracy, or R² for regression). Prints a table and the medians; target: warm ≥ 2x
 * faster, test score not worse.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { coldTask } from '../src/context/build-prior.ts';
import { runTask } from '../src/context/run-task.ts';
import { META_TRAINING_TASKS, writeMetaTrainingTasks } from '../src/search/warm-start/meta-training-tasks.ts';
import { readPriorFile } from '../src/search/warm-start/read-prior-file.ts';
import type { StudySummary } from '../src/search/study-summary.ts';
import { openWorkspace } from '../src/store/workspace.ts';
import { parseTaskObject } from '../src/task/parse-task-object.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    tasks: { type: 'string' },
    trials: { type: 'string', default: '30' },
    prior: { type: 'string', default: join(ROOT, 'priors', 'default-prior.json') },
    seed: { type: 'string', default: '1' },
  },
});

interface SearchOutcome {
  readonly study: StudySummary;
  readonly test: number;
  readonly seconds: number;
}

interface Row {
  readonly task: string;
  readonly coldBest: number;
  readonly cold: { seconds: number; trials: number };
  readonly warm: { seconds: number; trials: number; reached: boolean };
  readonly neighbours: string;
  readonly testCold: number;
  readonly testWarm: number;
  readonly metric: string;
}

async function runOnce(taskObject: Record<string, unknown>, trials: number, warm: boolean, priorFile: string, dir: string): Promise<SearchOutcome> {
  const home = join(dir, warm ? 'warm-home' : 'cold-home');
  process.env.DEEPLINE_PRIOR = priorFile;
  const workspace = await openWorkspace(home);
  try {
    const spec = await parseTaskObject(coldTask(taskObject, trials, join(dir, warm ? 'warm-out' : 'cold-out'), warm), { baseDir: dir });
    const started = performance.now();
    const result = await runTask(spec, { workspace });
    const seconds = (performance.now() - started) / 1000;
    const detail = await workspace.metadata.getRunDetail(result.runId);
    const search = detail?.steps.find((s) => s.name === 'search' && s.outputs.study);
    const ref = search && (await workspace.artifacts.get(search.outputs.study));
    if (!ref) throw new Error(`run ${result.runId} has no study`);
    const study = await workspace.artifacts.readJson<StudySummary>(ref);
    const m = result.metrics as unknown as { kind: string; accuracy?: number; r2?: number };
    return { study, test: m.kind === 'class' ? m.accuracy! : m.r2!, seconds };
  } finally {
    await workspace.close();
  }
}

/** Seconds from the first trial's start to the end of the first complete trial at or below `target`, and its position. */
function reach(study: StudySummary, target: number): { seconds: number; trials: number; reached: boolean } {
  const start = Math.min(...study.trials.map((t) => Date.parse(t.startedAt)));
  const hits = study.trials
    .filter((t) => t.state === 'complete' && t.values && t.values[0] <= target + 1e-12 && t.endedAt)
    .sort((a, b) => Date.parse(a.endedAt!) - Date.parse(b.endedAt!));
  if (hits.length > 0) return { seconds: (Date.parse(hits[0].endedAt!) - start) / 1000, trials: hits[0].number + 1, reached: true };
  const end = Math.max(...study.trials.map((t) => (t.endedAt ? Date.parse(t.endedAt) : start)));
  return { seconds: (end - start) / 1000, trials: study.trials.length, reached: false };
}

function bestError(study: StudySummary): number {
  return Math.min(...study.trials.filter((t) => t.state === 'complete' && t.values).map((t) => t.values![0]));
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main(): Promise<void> {
  const trials = Number(args.trials);
  const seed = Number(args.seed);
  const prior = await readPriorFile(resolve(args.prior!));
  const inPrior = new Set(prior.tasks.map((t) => t.name));
  const only = args.tasks?.split(',');
  const tasks = META_TRAINING_TASKS.filter((t) => inPrior.has(`meta/${t.name}`) && (!only || only.includes(t.name)));
  console.log(`warm start, leave-one-task-out: ${tasks.length} meta-training tasks, ${trials} trials per search, prior ${args.prior} (${prior.tasks.length} tasks; built with: ${prior.builtWith})`);
  const dir = await mkdtemp(join(tmpdir(), 'deepline-bench-warmstart-'));
  const rows: Row[] = [];
  try {
    const written = await writeMetaTrainingTasks(join(dir, 'data'), tasks, seed);
    for (const task of written) {
      const taskDir = join(dir, task.name);
      const loo = join(dir, `prior-without-${task.name}.json`);
      await writeFile(loo, JSON.stringify({ ...prior, tasks: prior.tasks.filter((t) => t.name !== `meta/${task.name}`) }));
      const cold = await runOnce(task.taskObject, trials, false, loo, taskDir);
      const warm = await runOnce(task.taskObject, trials, true, loo, taskDir);
      const target = bestError(cold.study);
      const row: Row = {
        task: task.name,
        coldBest: target,
        cold: reach(cold.study, target),
        warm: reach(warm.study, target),
        neighbours: (warm.study.warmStart?.neighbours ?? []).map((n) => `${n.label.replace(/^meta\//, '')} ${n.distance.toFixed(2)}`).join(', '),
        testCold: cold.test,
        testWarm: warm.test,
        metric: cold.study.errorName === 'rmse' ? 'R²' : 'accuracy',
      };
      rows.push(row);
      console.log(
        `  ${row.task}: cold best ${target.toPrecision(4)} at ${row.cold.seconds.toFixed(1)} s (trial ${row.cold.trials}); warm ${row.warm.reached ? '' : '>'}${row.warm.seconds.toFixed(1)} s (trial ${row.warm.trials}); test ${row.metric} ${row.testCold.toFixed(4)} → ${row.testWarm.toFixed(4)}; neighbours ${row.neighbours || 'none'}`,
      );
      await rm(taskDir, { recursive: true, force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  printTable(rows);
}

function printTable(rows: readonly Row[]): void {
  // A warm search that never reached the cold one's error counts as no speed-up at all (0), not as its whole time.
  const speed = rows.map((r) => (r.warm.reached ? r.cold.seconds / Math.max(0.001, r.warm.seconds) : 0));
  const trialRatio = rows.map((r) => (r.warm.reached ? r.cold.trials / r.warm.trials : 0));
  const head = ['task', 'cold best val err', 'cold: s to it', 'trials', 'warm: s to it', 'trials', 'speed-up', 'test cold', 'test warm', 'metric'];
  const body = rows.map((r, i) => [
    r.task,
    r.coldBest.toPrecision(4),
    r.cold.seconds.toFixed(1),
    String(r.cold.trials),
    `${r.warm.reached ? '' : '>'}${r.warm.seconds.toFixed(1)}`,
    `${r.warm.reached ? '' : '>'}${r.warm.trials}`,
    r.warm.reached ? `${speed[i].toFixed(2)}x` : 'not reached',
    r.testCold.toFixed(4),
    r.testWarm.toFixed(4),
    r.metric,
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  const line = (cells: string[]) => `| ${cells.map((c, j) => c.padEnd(widths[j])).join(' | ')} |`;
  console.log(['', line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n'));
  if (rows.length === 0) return;
  const testDiff = rows.map((r) => r.testWarm - r.testCold);
  const reached = rows.filter((r) => r.warm.reached).length;
  console.log(
    `\nmedian over ${rows.length} tasks: time to the cold search's final validation error ${median(speed).toFixed(2)}x faster with the prior (trials ${median(trialRatio).toFixed(2)}x fewer); ` +
      `warm reached it on ${reached}/${rows.length}; test score warm − cold: median ${median(testDiff) >= 0 ? '+' : ''}${median(testDiff).toFixed(4)}, mean ${(testDiff.reduce((a, b) => a + b, 0) / rows.length).toFixed(4)}, worst ${Math.min(...testDiff).toFixed(4)}`,
  );
  console.log(`target: ≥ 2x faster (median) — ${median(speed) >= 2 ? 'met' : 'not met'}; test score not worse (mean difference ≥ 0) — ${testDiff.reduce((a, b) => a + b, 0) >= 0 ? 'met' : 'not met'}`);
}

await main();

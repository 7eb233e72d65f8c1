import { basename, join } from 'node:path';
import type { Command } from 'commander';
import type { RunTaskResult } from '../context/run-task.ts';
import type { ModelVersion } from '../model-registry/model-registry-store.ts';
import type { Workspace } from '../store/workspace.ts';
import type { StudySummary } from '../search/study-summary.ts';
import type { EnsembleSummary } from '../train/ensemble/ensemble-summary.ts';
import { formatNumber, printJson } from './output.ts';
import { collect } from './collect.ts';
import type { TaskSourceOptions } from './task-source.ts';
import { storeOptions } from './store-options.ts';

interface RunOptions extends TaskSourceOptions {
  json?: boolean;
  new?: boolean;
  resume?: string;
  verify?: boolean;
  register?: string;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run a task end to end: data → model → evaluation → report')
    .argument('[task-file]', 'a YAML or JSON task file (see docs/task-file.md)')
    .option('--data <path>', 'with no task file: the data (CSV/TSV/JSONL file, image folder or IDX folder)')
    .option('--target <column>', 'with no task file: the column to predict')
    .option('--task <type>', 'the task type, when not inferred (e.g. tabular-regression)')
    .option('--name <name>', 'run name (default: the task file or data file name)')
    .option('--output <dir>', 'where the model and reports are written')
    .option('--engine <engine>', 'auto | native | tfjs-node | wasm | cpu')
    .option('--trials <n>', 'the search may train at most n models (budget.trials)')
    .option('--minutes <m>', 'wall-clock minutes for the whole run (budget.minutes)')
    .option('--workers <n>', 'trials trained at once (search.workers; default one per core)')
    .option('--no-search', "train the family's default model once instead of searching (search.enabled: false)")
    .option('--seed <n>', 'seed for every random choice')
    .option('--plugin <module>', 'load a plugin module exporting register(context) (repeatable; after the task file\'s plugins)', collect)
    .option('--new', 'start a new run even if the last run of this task was interrupted')
    .option('--resume <run-id>', 'continue this run (finished steps are kept)')
    .option('--verify', 'hash every file of every cached artifact before reusing it (default: sizes, and content of small files)')
    .option('--register <model>', 'register the trained model as the next version of <model> in the model registry (see `deepline registry`)')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  deepline run examples/iris.yaml\n  deepline run --data data.csv --target price')
    .action(async (taskFile: string | undefined, opts: RunOptions) => {
      // Imported here, not at the top: `deepline --help` and the light commands start without them.
      const [{ resolveTaskSpec }, { createRegistries }, { openWorkspace }, { createReporter }, { runTask }] = await Promise.all([
        import('./task-source.ts'),
        import('../context/registries.ts'),
        import('../store/workspace.ts'),
        import('../pipeline/reporters/create-reporter.ts'),
        import('../context/run-task.ts'),
      ]);
      // A name the registry would refuse fails now, not after the training.
      if (opts.register !== undefined) (await import('../model-registry/model-name.ts')).checkModelName(opts.register);
      const registries = createRegistries();
      const spec = await resolveTaskSpec(taskFile, opts, registries);
      if (spec.source.taskInference) process.stderr.write(`task: ${spec.task} — ${spec.source.taskInference}\n`);
      if (spec.source.headerInference) {
        process.stderr.write(`warning: ${basename(spec.data.path)}: ${spec.source.headerInference} (data.header: ${spec.data.header})\n`);
      }
      const workspace = await openWorkspace(program.opts().home as string, storeOptions(program, spec.store));
      const reporter = createReporter(process.stderr);
      try {
        const result = await runTask(spec, {
          workspace,
          onEvent: (e) => reporter.onEvent(e),
          resume: opts.resume ?? (opts.new ? 'new' : 'auto'),
          registries,
          resumeHint: `resume with: ${rerunCommand(taskFile, opts)}`,
          verify: opts.verify === true,
        });
        reporter.close();
        await printChoices(result.outputDir);
        const registered = opts.register === undefined ? undefined : await registerResult(workspace, result, opts.register);
        if (opts.json) printJson({ ...(toJson(result) as object), ...(registered && { registered: { model: registered.model, version: registered.version } }) });
        else {
          printSummary(result);
          if (registered) process.stdout.write(`registered as ${registered.model} version ${registered.version}: promote it with \`deepline registry promote ${registered.model} ${registered.version}\`\n`);
        }
      } finally {
        reporter.close();
        await workspace.close();
      }
    });
}

/** `--register`: the run's model becomes the next version of `model`, pinned as `deepline registry register` pins it. */
async function registerResult(workspace: Workspace, result: RunTaskResult, model: string): Promise<ModelVersion> {
  const [{ openModelRegistry }, { registerRun }, { defaultActor }] = await Promise.all([
    import('../model-registry/open-model-registry.ts'),
    import('../model-registry/register-run.ts'),
    import('../model-registry/default-actor.ts'),
  ]);
  const registry = openModelRegistry(workspace);
  try {
    return await registerRun(
      { registry, metadata: workspace.metadata, artifacts: workspace.artifacts, locks: workspace.locks, scratch: join(workspace.home, 'tmp') },
      { model, dir: result.outputDir, runId: result.runId, actor: defaultActor() },
    );
  } finally {
    await registry.close();
  }
}

/**
 * What the run chose on its own, on stderr (so `--json` keeps stdout one document): the search's
 * plan for small data and the final model (an ensemble of which trials, or one model and why).
 */
async function printChoices(outputDir: string): Promise<void> {
  const [{ readFile }, { formatEnsembleText }] = await Promise.all([import('node:fs/promises'), import('../train/ensemble/ensemble-text.ts')]);
  const read = async <T>(file: string): Promise<T | undefined> => {
    try {
      return JSON.parse(await readFile(join(outputDir, file), 'utf8')) as T;
    } catch {
      return undefined;
    }
  };
  const study = await read<StudySummary>('study.json');
  if (study?.smallData) process.stderr.write(`search: ${study.smallData}; ${study.trials.length} trials\n`);
  if (study?.trialData) process.stderr.write(`search: ${study.trialData.reason}; ${study.trials.length} trials\n`);
  const ensemble = await read<EnsembleSummary>('ensemble.json');
  if (ensemble && (ensemble.enabled || ensemble.outOfFold)) process.stderr.write(`${formatEnsembleText(ensemble)}\n`);
}

function rerunCommand(taskFile: string | undefined, opts: RunOptions): string {
  const parts = ['deepline run'];
  if (taskFile) parts.push(taskFile);
  if (opts.data) parts.push(`--data ${opts.data}`);
  if (opts.target) parts.push(`--target ${opts.target}`);
  return `${parts.join(' ')} (finished steps are cached)`;
}

function printSummary(r: RunTaskResult): void {
  const cached = r.steps.filter((s) => s.status === 'cached').length;
  const out = process.stdout;
  out.write(`\n${r.spec.name} (${r.spec.task}) — run ${r.runId}${r.resumed ? ' (resumed)' : ''} on ${r.engine}, ${(r.durationMs / 1000).toFixed(1)}s`);
  out.write(cached ? `, ${cached}/${r.steps.length} steps cached\n` : '\n');
  const m = r.metrics;
  if (m.kind === 'class') {
    out.write(`test accuracy ${formatNumber(m.accuracy)}   macro-F1 ${formatNumber(m.macroF1)}   (${m.n} test examples)\n`);
  } else {
    out.write(`test RMSE ${formatNumber(m.rmse)}   MAE ${formatNumber(m.mae)}   R² ${formatNumber(m.r2)}   (${m.n} test examples)\n`);
  }
  out.write(`latency ${formatNumber(m.latency.singleMs)} ms per example, ${formatNumber(m.latency.batch32Ms)} ms per batch of 32\n`);
  out.write(`model, metrics and report: ${r.outputDir}  (open report.html)\n`);
}

function toJson(r: RunTaskResult): unknown {
  return {
    runId: r.runId,
    resumed: r.resumed,
    name: r.spec.name,
    task: r.spec.task,
    engine: r.engine,
    durationMs: Math.round(r.durationMs),
    outputDir: r.outputDir,
    metrics: r.metrics,
    steps: r.steps.map((s) => ({ name: s.name, status: s.status, durationMs: Math.round(s.durationMs) })),
  };
}

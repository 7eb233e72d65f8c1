import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createDefaultContext } from './deepline-context.ts';
import type { Registries } from './registries.ts';
import { createRunBudget } from '../pipeline/run-budget.ts';
import type { EvaluationMetrics } from '../evaluate/evaluation-metrics.ts';
import { renderReportHtml } from '../evaluate/report-html.ts';
import type { RunReport } from '../evaluate/run-report.ts';
import type { PipelineEventListener } from '../pipeline/events.ts';
import { DeeplineError } from '../errors/index.ts';
import { runPipeline, type PipelineResult, type StepOutcome } from '../pipeline/runner.ts';
import { canonicalJson } from '../store/canonical-json.ts';
import type { ArtifactRef } from '../store/artifacts/artifact-store.ts';
import { ensureWritableFolder } from '../store/ensure-writable-folder.ts';
import type { Workspace } from '../store/workspace.ts';
import type { HeldRunLock } from '../store/run-lock-service.ts';
import type { TaskSpec } from '../task/task-spec.ts';
import type { Template } from '../templates/template.ts';

export interface RunTaskOptions {
  readonly workspace: Workspace;
  readonly onEvent?: PipelineEventListener;
  /** The command that reruns this task; shown in the hint when a step fails. */
  readonly resumeHint?: string;
  /**
   * `auto` (default): continue the newest run of the same task spec when it was interrupted or
   * failed, else start a new one. `new`: always start a new run. A run id: continue that run.
   */
  readonly resume?: 'auto' | 'new' | string;
  /** The registries the task was validated with (plugins loaded); default: built-ins + `spec.plugins`. */
  readonly registries?: Registries;
  /** Where logs go; default: `<home>/logs/<run-id>.log`, with warnings also on stderr. */
  readonly log?: Logger;
  /** Hash every file of every cached output before reusing it (`deepline run --verify`). */
  readonly verify?: boolean;
}

export interface RunTaskResult {
  readonly runId: string;
  /** True when an interrupted or failed run was continued. */
  readonly resumed: boolean;
  readonly spec: TaskSpec;
  readonly engine: string;
  readonly metrics: EvaluationMetrics;
  /** The task's output folder: model/, transform.json, metrics.json, report.json, report.html, run.json. */
  readonly outputDir: string;
  readonly steps: readonly StepOutcome[];
  readonly durationMs: number;
}

/**
 * Runs a validated task end to end: picks the template for its type, checks that the output
 * folder can be written, takes the locks that make this process the run's one writer, starts the
 * engine, records the run, runs the pipeline (reusing every step whose inputs did not change and
 * whose outputs are intact) and publishes the model and reports into `spec.output` before the run
 * counts as completed.
 *
 * A second run of the same task (or into the same output folder) while one is live stops with
 * DL_RUN_LOCKED before touching anything; a run whose process died is taken over and resumed.
 */
export async function runTask(spec: TaskSpec, options: RunTaskOptions): Promise<RunTaskResult> {
  const started = performance.now();
  // The budget counts from here: the run's own checks and data preparation use it up too.
  const budget = createRunBudget(spec.budget.minutes);
  const { workspace } = options;
  // Before any run record or step: a bad `output` must not cost a whole training to find out.
  await ensureWritableFolder(spec.output, 'output folder');
  const outputLock = await workspace.locks.lockOutput(spec.output);
  let runLock: HeldRunLock | undefined;
  try {
    const { runId, resumed } = await openRun(spec, options);
    runLock = await workspace.locks.lockRun(runId);
    await outputLock.describe(runId);
    const log = options.log ?? (await runLogger(workspace.home, runId));
    const context = await createDefaultContext({
      plugins: spec.plugins ?? [],
      ...(options.registries && { registries: options.registries }),
      home: workspace.home,
      studies: workspace.studies,
      engine: spec.engine,
      notify: (message) => log.warn(message),
    });
    const template = context.registries.templates.get(spec.task, 'DL_TASK_TYPE');
    // The engine starts before the first step that runs; a fully cached run never loads TF.js.
    const { engine } = context;
    const startEngine = async (): Promise<void> => {
      const started = await engine.start();
      if (started.name !== engine.name) log.warn(`the ${engine.name} engine did not start, so this run trains on ${started.name}`);
    };
    log.info({ engine: engine.name, task: spec.task, resumed }, 'run starting');
    if (!resumed) await workspace.metadata.logParams(runId, { ...flattenSpec(spec), engine: engine.name });

    const pipeline = await template.buildPipeline(spec);
    const result = await runPipeline({
      pipeline,
      runId,
      metadata: workspace.metadata,
      artifacts: workspace.artifacts,
      stateDir: workspace.home,
      seed: spec.seed,
      log,
      onEvent: options.onEvent,
      resumeHint: options.resumeHint,
      beforeFirstRun: startEngine,
      context,
      budget,
      verifyContent: options.verify === true,
      publish: async (r) => {
        await recordDataVersion(workspace, runId, r.outputs);
        await publishOutputs(spec, template, workspace, r, { runId, name: spec.name, task: spec.task, engine: engine.name as string });
      },
    }).finally(() => context.close());

    const metrics = await workspace.artifacts.readJson<EvaluationMetrics>(result.outputs['evaluate.metrics']);
    return { runId, resumed, spec, engine: engine.name, metrics, outputDir: spec.output, steps: result.steps, durationMs: performance.now() - started };
  } finally {
    await runLock?.release();
    await outputLock.release();
  }
}

/** Copies the template's published outputs into `spec.output`; a file-system failure names the folder. */
async function publishOutputs(spec: TaskSpec, template: Template, workspace: Workspace, result: PipelineResult, runInfo: Record<string, string>): Promise<void> {
  const sources: Array<[string, string]> = [];
  for (const [output, name] of Object.entries(template.publish(spec))) sources.push([await workspace.artifacts.localPath(result.outputs[output]), name]);
  try {
    await mkdir(spec.output, { recursive: true });
    for (const [source, name] of sources) await cp(source, join(spec.output, name), { recursive: true, force: true });
    await addRunTimings(spec.output, result.steps);
    await writeFile(join(spec.output, 'run.json'), `${JSON.stringify(runInfo, null, 2)}\n`);
  } catch (e) {
    throw new DeeplineError('DL_NOT_WRITABLE', `cannot publish the run into the output folder ${spec.output}: ${(e as Error).message}`, {
      hint: 'free disk space or fix the permissions of that folder (or choose another `output`)',
      cause: e,
    });
  }
}

/**
 * The data version a run trained on: the content hash of the raw input, and a version of the
 * prepared data (that hash plus the fitted transform's), so two runs on the same bytes prepared
 * differently are told apart. Logged as run params `data.contentHash` and `data.version`.
 */
async function recordDataVersion(workspace: Workspace, runId: string, outputs: Readonly<Record<string, ArtifactRef>>): Promise<void> {
  const summary = await workspace.artifacts.readJson<{ dataVersion?: string }>(outputs['ingest.summary']);
  const transform = Object.entries(outputs).find(([name]) => name.endsWith('.transform'))?.[1];
  if (!summary.dataVersion || !transform) return;
  const version = createHash('sha256').update(`${summary.dataVersion}\n${transform.hash}`).digest('hex');
  const params = await workspace.metadata.getRunDetail(runId);
  // A resumed run logged them already (params are write-once).
  if (params?.params['data.version'] === undefined) {
    await workspace.metadata.logParams(runId, { 'data.contentHash': summary.dataVersion, 'data.version': version });
  }
}

/**
 * The report step cannot see the runner's records, so the published report gets every step's
 * time in this run here (a cached step shows as such, with the moment it took to reuse it).
 */
async function addRunTimings(outputDir: string, steps: readonly StepOutcome[]): Promise<void> {
  const jsonPath = join(outputDir, 'report.json');
  if (!existsSync(jsonPath)) return;
  const report = JSON.parse(await readFile(jsonPath, 'utf8')) as RunReport;
  const timings = steps.map((s) => ({ step: s.status === 'cached' ? `${s.name} (cached)` : s.name, ms: s.durationMs }));
  const withTimings: RunReport = { ...report, timings };
  await writeFile(jsonPath, `${JSON.stringify(withTimings, null, 2)}\n`);
  await writeFile(join(outputDir, 'report.html'), renderReportHtml(withTimings));
}

async function openRun(spec: TaskSpec, options: RunTaskOptions): Promise<{ runId: string; resumed: boolean }> {
  const { metadata } = options.workspace;
  const resume = options.resume ?? 'auto';
  if (resume !== 'auto' && resume !== 'new') {
    const run = await metadata.getRun(resume);
    if (run) return { runId: run.id, resumed: true };
  }
  if (resume === 'auto') {
    // The store may return the spec with its keys in another order: compare canonical forms.
    const specJson = canonicalJson(spec);
    const latest = (await metadata.listRuns({ limit: 50 })).find((r) => r.name === spec.name && canonicalJson(r.spec) === specJson);
    if (latest && latest.status !== 'completed') return { runId: latest.id, resumed: true };
  }
  const runId = newRunId();
  await metadata.createRun({ id: runId, name: spec.name, taskType: spec.task, taskFile: spec.source.file ?? '', spec });
  return { runId, resumed: false };
}

/** Sortable, readable and unique enough: `20261125-194436-3f9a`. */
function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** The spec's settings as flat `a.b` params, for comparing runs. */
function flattenSpec(spec: TaskSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (value: unknown, prefix: string) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k);
    } else if (value !== undefined) {
      out[prefix] = value;
    }
  };
  // Where the records go is not how the run was configured: a run moved to another store compares equal.
  const { source: _source, store: _store, ...settings } = spec;
  walk(settings, '');
  return out;
}

/**
 * Full logs to a file per run; warnings and errors also to stderr as plain lines, each distinct
 * message once per run: trial workers report the same notice each (the engine they fell back
 * to), and a user should read it once.
 */
async function runLogger(home: string, runId: string): Promise<Logger> {
  const dir = join(home, 'logs');
  await mkdir(dir, { recursive: true });
  const file = pino.destination({ dest: join(dir, `${runId}.log`), sync: true });
  const said = new Set<string>();
  const stderr = {
    write(line: string) {
      const entry = JSON.parse(line) as { level: number; msg?: string; step?: string };
      if (said.has(entry.msg ?? '')) return;
      said.add(entry.msg ?? '');
      const label = entry.level >= 50 ? 'error' : 'warning';
      process.stderr.write(`${label}${entry.step ? ` [${entry.step}]` : ''}: ${entry.msg ?? ''}\n`);
    },
  };
  return pino({ level: 'debug' }, pino.multistream([{ level: 'debug', stream: file }, { level: 'warn', stream: stderr }]));
}

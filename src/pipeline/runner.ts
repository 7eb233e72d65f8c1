import type { DeeplineContext } from '../context/deepline-context.ts';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { DeeplineError, fileAccessError, isFileSystemError } from '../errors/index.ts';
import type { ArtifactRef, ArtifactStore } from '../store/artifacts/artifact-store.ts';
import type { MetadataStore } from '../store/metadata/metadata-store.ts';
import { computeCacheKey } from './cache-key.ts';
import { deriveSeed } from '../seed/derive-seed.ts';
import type { PipelineEvent, PipelineEventListener, StepEndStatus } from './events.ts';
import type { Pipeline } from './pipeline.ts';
import { NO_BUDGET, type RunBudget } from './run-budget.ts';
import type { Step, StepContext, StepProgress } from './step.ts';

export interface RunPipelineOptions {
  readonly pipeline: Pipeline;
  /** An existing run (created by the caller with `metadata.createRun`); a rerun resumes it. */
  readonly runId: string;
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  /** The project's `.deepline/` folder; step scratch folders go under its `tmp/`. */
  readonly stateDir: string;
  /** The run's seed; each step gets `deriveSeed(seed, step.name)`. */
  readonly seed: number;
  readonly log: Logger;
  readonly onEvent?: PipelineEventListener;
  /** The command that resumes this run; becomes the hint of a failure. */
  readonly resumeHint?: string;
  /** Cancels the run: checked between steps and passed to each step. */
  readonly signal?: AbortSignal;
  /** Monotonic clock in ms for durations; tests pass a fake one. */
  readonly now?: () => number;
  /**
   * Called once, before the first step that is not cached: what only running steps need (the
   * engine) starts there, so a fully cached run never pays for it.
   */
  readonly beforeFirstRun?: () => Promise<void>;
  /** The run context every step receives. */
  readonly context: DeeplineContext;
  /** The run's time budget (`budget.minutes`), shared by the steps; default none. */
  readonly budget?: RunBudget;
  /**
   * Hash every file of a cached output before reusing it (`deepline run --verify`). Without it,
   * sizes are checked and only small files hashed (see `ArtifactStore.verify`).
   */
  readonly verifyContent?: boolean;
  /**
   * Runs after the last step, before the run is marked completed: publishing the outputs where
   * the user wants them. If it throws, the run is marked failed, never completed.
   */
  readonly publish?: (result: PipelineResult) => Promise<void>;
}

export interface StepOutcome {
  readonly name: string;
  readonly stepId: number;
  readonly status: Exclude<StepEndStatus, 'failed'>;
  readonly durationMs: number;
  readonly cacheKey: string;
}

export interface PipelineResult {
  /** Every `step.output` of the pipeline → its artifact. */
  readonly outputs: Readonly<Record<string, ArtifactRef>>;
  /** One entry per step, in the order they ran. */
  readonly steps: readonly StepOutcome[];
}

/**
 * Runs a pipeline's steps in order. A step whose cache key (name, version, params, input hashes,
 * seed) matches a completed step of any run, and whose outputs are all still stored and intact
 * (checked against their manifests), is recorded as `cached` and skipped. A damaged output is
 * removed, with a warning naming it, and its step reruns; later steps rerun only if that changes
 * their inputs' content (cache keys are by content). Every step's record is committed before the next one starts, so a
 * failure or a killed process never loses finished work: rerunning resumes after it.
 *
 * On failure the step and run are marked failed and a DeeplineError is thrown: the step's own
 * code when it threw a DeeplineError (so bad input keeps exit code 2), otherwise DL_STEP_FAILED;
 * its message names the step and its hint includes `resumeHint`.
 */
export async function runPipeline(options: RunPipelineOptions): Promise<PipelineResult> {
  const { pipeline, runId, metadata, artifacts, log } = options;
  const now = options.now ?? (() => performance.now());
  const runStart = now();
  const total = pipeline.steps.length;
  const emit = (event: PipelineEvent) => {
    try {
      options.onEvent?.(event);
    } catch (e) {
      log.warn({ err: e, event: event.type }, 'a pipeline event listener threw; ignoring it');
    }
  };

  if (!(await metadata.getRun(runId))) {
    throw new DeeplineError('DL_RUN_NOT_FOUND', `no run with id "${runId}" in the metadata store`, {
      hint: 'create the run before running its pipeline, or list runs with `deepline runs`',
    });
  }
  await closeInterruptedSteps(options);
  await metadata.setRunStatus(runId, 'running');
  emit({ type: 'run-start', runId, steps: pipeline.steps.map((s) => s.name) });

  const outputs: Record<string, ArtifactRef> = {};
  const outcomes: StepOutcome[] = [];
  const counts: Record<StepEndStatus, number> = { completed: 0, cached: 0, failed: 0 };

  let prepared = false;
  for (const [index, step] of pipeline.steps.entries()) {
    const stepStart = now();
    let stepId: number | undefined;
    try {
      if (options.signal?.aborted) throw new Error(`the run was cancelled before step "${step.name}" started`);
      const inputs: Record<string, ArtifactRef> = {};
      for (const [name, ref] of Object.entries<string>(step.inputs)) inputs[name] = outputs[ref];
      const seed = deriveSeed(options.seed, step.name);
      const cacheKey = computeCacheKey({ name: step.name, version: step.version, params: step.params, inputs: hashes(inputs), seed });

      const reused = await findReusable(options, step, cacheKey);
      stepId = await metadata.startStep({ runId, name: step.name, version: step.version, cacheKey, params: step.params });
      await recordEdges(metadata, runId, stepId, inputs, 'input');

      let produced: Record<string, ArtifactRef>;
      let status: 'completed' | 'cached';
      if (reused) {
        produced = reused;
        status = 'cached';
      } else {
        if (!prepared) {
          prepared = true;
          await options.beforeFirstRun?.();
        }
        emit({ type: 'step-start', runId, step: step.name, description: step.description, index, total });
        produced = await execute(options, step, stepId, seed, inputs, emit, now);
        status = 'completed';
      }
      for (const ref of Object.values(produced)) await metadata.recordArtifact(ref);
      await recordEdges(metadata, runId, stepId, produced, 'output');
      await metadata.finishStep(stepId, { status, outputs: hashes(produced) });

      for (const [name, ref] of Object.entries(produced)) outputs[`${step.name}.${name}`] = ref;
      const durationMs = now() - stepStart;
      outcomes.push(Object.freeze({ name: step.name, stepId, status, durationMs, cacheKey }));
      counts[status]++;
      emit({ type: 'step-end', runId, step: step.name, status, durationMs, index, total });
    } catch (e) {
      const error = toRunError(step, e, options.resumeHint);
      // Recording the failure must not hide it: a broken store is logged, the step error thrown.
      try {
        if (stepId !== undefined) await metadata.finishStep(stepId, { status: 'failed', error: error.message });
        await metadata.setRunStatus(runId, 'failed', error.message);
      } catch (recordError) {
        log.error({ err: recordError }, 'could not record the failure of step "%s"', step.name);
      }
      counts.failed++;
      emit({ type: 'step-end', runId, step: step.name, status: 'failed', durationMs: now() - stepStart, index, total, error: error.message });
      emit({ type: 'run-end', runId, status: 'failed', durationMs: now() - runStart, counts: { ...counts } });
      throw error;
    }
  }

  const result: PipelineResult = Object.freeze({ outputs: Object.freeze(outputs), steps: Object.freeze(outcomes) });
  if (options.publish) {
    try {
      await options.publish(result);
    } catch (e) {
      const error = toPublishError(e, options.resumeHint);
      try {
        await metadata.setRunStatus(runId, 'failed', error.message);
      } catch (recordError) {
        log.error({ err: recordError }, 'could not record that publishing the run failed');
      }
      emit({ type: 'run-end', runId, status: 'failed', durationMs: now() - runStart, counts: { ...counts } });
      throw error;
    }
  }
  await metadata.setRunStatus(runId, 'completed');
  emit({ type: 'run-end', runId, status: 'completed', durationMs: now() - runStart, counts: { ...counts } });
  return result;
}

/**
 * The outputs of an earlier identical step, when every one of them is still stored and intact.
 * Damaged ones are removed from the store (so that rerunning the step stores them afresh) and
 * named in a warning.
 */
async function findReusable(options: RunPipelineOptions, step: Step, cacheKey: string): Promise<Record<string, ArtifactRef> | undefined> {
  const { artifacts, log } = options;
  const earlier = await options.metadata.findCompletedStep(cacheKey);
  if (!earlier) return undefined;
  const names = Object.keys(earlier.outputs);
  // Same key but other outputs means the step's code changed without a version bump.
  if (names.length !== step.outputs.length || !step.outputs.every((o) => names.includes(o))) return undefined;
  const refs: Record<string, ArtifactRef> = {};
  let reusable = true;
  for (const name of step.outputs) {
    const hash = earlier.outputs[name];
    const check = await artifacts.verify(hash, { full: options.verifyContent === true });
    const ref = check.status === 'ok' ? await artifacts.get(hash) : undefined;
    if (ref) {
      refs[name] = ref;
      continue;
    }
    reusable = false;
    if (check.status === 'damaged') {
      log.warn(
        { step: step.name, output: name, artifact: hash, problems: check.problems },
        `cached output "${step.name}.${name}" (artifact ${hash.slice(0, 12)}) is damaged: ${check.problems.join('; ')}; rerunning step "${step.name}" to rebuild it`,
      );
      await artifacts.remove(hash);
    } else {
      log.info({ step: step.name, output: name }, 'cached output is gone from the artifact store; rerunning the step');
    }
  }
  if (!reusable) return undefined;
  log.debug({ step: step.name, fromRun: earlier.runId, fromStep: earlier.id }, 'reusing cached outputs');
  return refs;
}

async function execute(
  options: RunPipelineOptions,
  step: Step,
  stepId: number,
  seed: number,
  inputs: Record<string, ArtifactRef>,
  emit: (event: PipelineEvent) => void,
  now: () => number,
): Promise<Record<string, ArtifactRef>> {
  const { runId, metadata, artifacts } = options;
  const workDir = path.join(options.stateDir, 'tmp', workDirName(stepId, step.name));
  await fs.rm(workDir, { recursive: true, force: true });
  await fs.mkdir(workDir, { recursive: true });
  const log = options.log.child({ runId, step: step.name });
  const started = now();
  const ctx: StepContext = {
    runId,
    stepName: step.name,
    seed,
    workDir,
    stateDir: options.stateDir,
    artifacts,
    log,
    progress(p: StepProgress) {
      emit({ type: 'step-progress', runId, step: step.name, progress: Object.freeze({ ...p }), elapsedMs: now() - started });
    },
    logMetric(key, value, at = {}) {
      return metadata.logMetric({
        runId,
        stepName: step.name,
        key,
        value,
        ...(at.step !== undefined ? { step: at.step } : {}),
        ...(at.epoch !== undefined ? { epoch: at.epoch } : {}),
      });
    },
    signal: options.signal ?? new AbortController().signal,
    deepline: options.context,
    budget: options.budget ?? NO_BUDGET,
  };

  const returned: unknown = await step.run(ctx, Object.freeze({ ...inputs }));
  const produced = await checkOutputs(step, returned, artifacts);
  // Outputs are in the store now; a failed step's folder stays for inspection.
  await fs.rm(workDir, { recursive: true, force: true });
  return produced;
}

/** The step's returned refs, re-read from the store so that what is recorded is what is stored. */
async function checkOutputs(step: Step, returned: unknown, artifacts: ArtifactStore): Promise<Record<string, ArtifactRef>> {
  const fail = (why: string) =>
    new DeeplineError('DL_STEP_FAILED', `step "${step.name}" ${why}`, {
      hint: `step "${step.name}" (version ${step.version}) has a bug: it must return { ${step.outputs.map((o) => `${o}: ArtifactRef`).join(', ')} }`,
    });
  if (typeof returned !== 'object' || returned === null) throw fail(`returned ${String(returned)} instead of its outputs`);
  const got = returned as Record<string, unknown>;
  const extra = Object.keys(got).filter((k) => !step.outputs.includes(k));
  if (extra.length > 0) throw fail(`returned undeclared outputs: ${extra.join(', ')} (declared: ${step.outputs.join(', ')})`);
  const refs: Record<string, ArtifactRef> = {};
  for (const name of step.outputs) {
    const hash = (got[name] as Partial<ArtifactRef> | undefined)?.hash;
    if (typeof hash !== 'string') throw fail(`did not return its declared output "${name}"`);
    const ref = await artifacts.get(hash);
    if (!ref) throw fail(`returned output "${name}" = ${hash}, which is not in the artifact store (put it with ctx.artifacts first)`);
    refs[name] = ref;
  }
  return refs;
}

/** Marks steps this run left `running` (its process was killed) as failed, and drops their scratch folders. */
async function closeInterruptedSteps(options: RunPipelineOptions): Promise<void> {
  const detail = await options.metadata.getRunDetail(options.runId);
  for (const step of detail?.steps ?? []) {
    if (step.status !== 'running') continue;
    await options.metadata.finishStep(step.id, { status: 'failed', error: 'interrupted: the process running this step ended before it finished' });
    await fs.rm(path.join(options.stateDir, 'tmp', workDirName(step.id, step.name)), { recursive: true, force: true });
    options.log.info({ step: step.name, stepId: step.id }, 'marked an interrupted step as failed');
  }
}

async function recordEdges(
  metadata: MetadataStore,
  runId: string,
  stepId: number,
  refs: Record<string, ArtifactRef>,
  direction: 'input' | 'output',
): Promise<void> {
  for (const [name, ref] of Object.entries(refs)) await metadata.addLineage({ runId, stepId, artifactHash: ref.hash, name, direction });
}

function hashes(refs: Record<string, ArtifactRef>): Record<string, string> {
  return Object.fromEntries(Object.entries(refs).map(([name, ref]) => [name, ref.hash]));
}

function workDirName(stepId: number, stepName: string): string {
  return `step-${stepId}-${stepName}`;
}

/** A failure to publish a finished run: its own error when it is a DeeplineError, with the resume hint. */
function toPublishError(e: unknown, resumeHint: string | undefined): DeeplineError {
  if (e instanceof DeeplineError) {
    const hint = [e.hint, resumeHint].filter((h): h is string => !!h).join('\n') || undefined;
    return new DeeplineError(e.code, e.message, { hint, location: e.location, cause: e });
  }
  const cause = e instanceof Error ? e.message : String(e);
  return new DeeplineError('DL_INTERNAL', `every step finished, but publishing the run failed: ${cause}`, {
    hint: 'this is a bug in deepline: rerun with --debug and report the stack trace',
    cause: e,
  });
}

function toRunError(step: Step, thrown: unknown, resumeHint: string | undefined): DeeplineError {
  // A file the step could not read or write is a fault to fix (DL_FILE_ACCESS), not a bug in it.
  const e = isFileSystemError(thrown) ? fileAccessError(thrown, thrown.path ?? thrown.dest ?? '(unknown path)', { what: 'file' }) : thrown;
  if (e instanceof DeeplineError) {
    // Keep the code (and so the exit code) and location; only say where it happened.
    const hint = [e.hint, resumeHint].filter((h): h is string => !!h).join('\n') || undefined;
    const message = e.message.includes(`step "${step.name}"`) ? e.message : `${e.message} (in step "${step.name}")`;
    return new DeeplineError(e.code, message, { hint, location: e.location, cause: e });
  }
  const cause = e instanceof Error ? e.message : String(e);
  return new DeeplineError('DL_STEP_FAILED', `step "${step.name}" failed: ${cause}`, { hint: resumeHint, cause: e });
}

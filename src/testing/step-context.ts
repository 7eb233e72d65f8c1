import { mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { createDefaultContext, type DeeplineContext } from '../context/deepline-context.ts';
import { NO_BUDGET, type RunBudget } from '../pipeline/run-budget.ts';
import type { StepContext, StepProgress } from '../pipeline/step.ts';
import type { ArtifactStore } from '../store/artifacts/artifact-store.ts';

export interface TestStepContextOptions {
  /** A scratch folder: work dirs go under `<root>/work`, the state dir is `<root>/state`. */
  readonly root: string;
  readonly artifacts: ArtifactStore;
  readonly stepName: string;
  readonly seed?: number;
  readonly onProgress?: (p: StepProgress) => void;
  readonly onMetric?: (key: string, value: number, at?: { step?: number; epoch?: number }) => void;
  /** The run context; default: deepline's built-ins, with the study store under `<root>/state`. */
  readonly context?: DeeplineContext;
  /** The run's time budget; default none. */
  readonly budget?: RunBudget;
  /** Aborts the step (a cancelled run); default never. */
  readonly signal?: AbortSignal;
}

/**
 * A real, minimal StepContext for running one step outside the runner — in deepline's tests and
 * in tests of a user's own steps: a fresh work folder per call, a silent logger, the given store.
 */
export async function createTestStepContext(options: TestStepContextOptions): Promise<StepContext> {
  await mkdir(join(options.root, 'work'), { recursive: true });
  return {
    runId: 'test-run',
    stepName: options.stepName,
    seed: options.seed ?? 42,
    workDir: await mkdtemp(join(options.root, 'work', `${options.stepName}-`)),
    stateDir: join(options.root, 'state'),
    artifacts: options.artifacts,
    log: pino({ level: 'silent' }),
    progress: (p) => options.onProgress?.(p),
    logMetric: async (key, value, at) => options.onMetric?.(key, value, at),
    signal: options.signal ?? new AbortController().signal,
    deepline: options.context ?? (await createDefaultContext({ home: join(options.root, 'state') })),
    budget: options.budget ?? NO_BUDGET,
  };
}

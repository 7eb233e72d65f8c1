import type { DeeplineContext } from '../context/deepline-context.ts';
import type { ArtifactRef, ArtifactStore } from '../store/artifacts/artifact-store.ts';
import type { Logger } from 'pino';
import type { RunBudget } from './run-budget.ts';

/** JSON-serialisable parameters; they are part of the step's cache key. */
export type StepParams = Readonly<Record<string, unknown>>;

/** Progress inside one step (epochs, files, rows). The runner draws a bar or prints lines. */
export interface StepProgress {
  done: number;
  total: number;
  /** What is counted: 'epoch', 'image', 'row', ... */
  unit?: string;
  /** Short status, e.g. 'val_loss=0.12'. */
  message?: string;
}

/** What a step's `run` gets besides its inputs. Everything a step touches comes through here. */
export interface StepContext {
  readonly runId: string;
  readonly stepName: string;
  /** Seed derived from the run's seed and the step's name: use it for every random choice. */
  readonly seed: number;
  /** An empty scratch directory for this execution; write outputs here, then `put` them. */
  readonly workDir: string;
  /** The project's `.deepline/` folder, for checkpoints a step may resume from. */
  readonly stateDir: string;
  readonly artifacts: ArtifactStore;
  readonly log: Logger;
  progress(p: StepProgress): void;
  /** Records a metric of this step in the metadata store. */
  logMetric(key: string, value: number, at?: { step?: number; epoch?: number }): Promise<void>;
  /** Aborted when the run is cancelled; long loops should check it. */
  readonly signal: AbortSignal;
  /** The run context: registries (plugins included), study store, executors and the engine. */
  readonly deepline: DeeplineContext;
  /** The run's time budget: how long this step may take if it is a search or a training. */
  readonly budget: RunBudget;
}

/**
 * One stage of a pipeline. Steps never call each other: the runner passes each output artifact
 * to the steps that name it as an input. A step must be deterministic given (version, params,
 * input contents, seed): that is what makes caching and resume correct. Bump `version` whenever
 * a change alters what the step writes.
 */
export interface Step<In extends string = string, Out extends string = string> {
  readonly name: string;
  readonly version: string;
  readonly params: StepParams;
  /** Input name → `stepName.outputName` producing it. */
  readonly inputs: Readonly<Record<In, string>>;
  readonly outputs: readonly Out[];
  /** One-line description shown in progress output and `deepline show`. */
  readonly description?: string;
  run(ctx: StepContext, inputs: Readonly<Record<In, ArtifactRef>>): Promise<Record<Out, ArtifactRef>>;
}

/** Helper that keeps the In/Out names typed at the definition site. */
export function defineStep<In extends string, Out extends string>(step: Step<In, Out>): Step<In, Out> {
  return step;
}

import type { ArtifactRef } from '../artifacts/artifact-store.ts';

export type RunStatus = 'running' | 'completed' | 'failed';
export type StepStatus = 'running' | 'completed' | 'cached' | 'failed';

export interface RunRecord {
  readonly id: string;
  readonly name: string;
  readonly taskType: string;
  /** Absolute path of the task file, or '' for a run from `--data/--target`. */
  readonly taskFile: string;
  /** The validated task spec as JSON. */
  readonly spec: unknown;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly error?: string;
}

export interface StepRecord {
  readonly id: number;
  readonly runId: string;
  readonly name: string;
  readonly version: string;
  readonly cacheKey: string;
  readonly status: StepStatus;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly params: unknown;
  /** Output name → artifact hash. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly error?: string;
}

export interface MetricRecord {
  readonly runId: string;
  readonly stepName: string;
  readonly key: string;
  readonly value: number;
  /** Optional x-axis: training step / epoch. */
  readonly step?: number;
  readonly epoch?: number;
  readonly at: string;
}

export interface ArtifactRecord extends ArtifactRef {
  readonly createdAt: string;
}

/** One lineage edge: a step of a run read (input) or wrote (output) an artifact under a name. */
export interface LineageEdge {
  readonly runId: string;
  readonly stepId: number;
  readonly stepName: string;
  readonly artifactHash: string;
  readonly name: string;
  readonly direction: 'input' | 'output';
}

export interface RunDetail {
  readonly run: RunRecord;
  readonly steps: readonly StepRecord[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly metrics: readonly MetricRecord[];
  readonly artifacts: readonly ArtifactRecord[];
  readonly lineage: readonly LineageEdge[];
}

/**
 * Metadata of runs, steps, params, metrics, artifacts and lineage. Append-only except for the
 * status/end fields of runs and steps, and deleteRun. Every method is atomic. Records come back frozen.
 * Implementations: SQLite (embedded default), PostgreSQL later; both pass
 * `metadataStoreConformance` in src/testing/.
 */
export interface MetadataStore {
  createRun(run: { id: string; name: string; taskType: string; taskFile: string; spec: unknown }): Promise<RunRecord>;
  /** Marks a run running again (resume) or finished. */
  setRunStatus(id: string, status: RunStatus, error?: string): Promise<void>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** Newest first. */
  listRuns(options?: { limit?: number }): Promise<RunRecord[]>;

  startStep(step: { runId: string; name: string; version: string; cacheKey: string; params: unknown }): Promise<number>;
  finishStep(stepId: number, result: { status: 'completed' | 'cached' | 'failed'; outputs?: Record<string, string>; error?: string }): Promise<void>;
  /** The newest completed (not cached, not failed) step with this cache key, in any run. */
  findCompletedStep(cacheKey: string): Promise<StepRecord | undefined>;

  recordArtifact(ref: ArtifactRef): Promise<void>;
  addLineage(edge: Omit<LineageEdge, 'stepName'>): Promise<void>;
  logParams(runId: string, params: Record<string, unknown>): Promise<void>;
  logMetric(metric: Omit<MetricRecord, 'at'>): Promise<void>;

  getRunDetail(id: string): Promise<RunDetail | undefined>;
  /**
   * Forgets a run: its record, steps, params, metrics and lineage, in one transaction (the only
   * write besides status fields that removes anything). Artifacts stay: they are shared by content
   * with other runs and caches. Its steps no longer serve as a cache for later runs. False when
   * there is no such run. Whether the run may go (not running) is the caller's check.
   */
  deleteRun(id: string): Promise<boolean>;
  /**
   * Optional: a number that changes whenever any other handle (another process, another
   * connection) commits to the store, so a watcher (the dashboard) can tell "nothing changed"
   * with one cheap call instead of re-reading. Where absent, a watcher re-reads.
   */
  changeCounter?(): Promise<number>;
  close(): Promise<void>;
}

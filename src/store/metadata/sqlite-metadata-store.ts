import { DeeplineError } from '../../errors/index.ts';
import type { ArtifactRef } from '../artifacts/artifact-store.ts';
import { canonicalJson } from '../canonical-json.ts';
import type {
  ArtifactRecord,
  LineageEdge,
  MetadataStore,
  MetricRecord,
  RunDetail,
  RunRecord,
  RunStatus,
  StepRecord,
} from './metadata-store.ts';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.ts';
import { deepFreeze } from '../deep-freeze.ts';
import { SqliteStore, type SqliteSchema, type SqliteStoreOptions } from './sqlite-store.ts';

export type SqliteMetadataStoreOptions = SqliteStoreOptions;

type Row = Record<string, unknown>;

const METADATA_SCHEMA: SqliteSchema = { label: 'metadata store', what: 'schema', versionTable: 'schema_version', migrations: SQLITE_MIGRATIONS };

/**
 * The embedded metadata store: one SQLite file (`.deepline/metadata.db`) in WAL mode, so the
 * dashboard and workers can read while a run writes. Each method is one statement or one
 * transaction, committed before it resolves: a killed process loses at most the call in flight.
 * `synchronous=NORMAL` keeps that true for process kills; an OS crash may drop the last commits
 * but never corrupts the file.
 */
export class SqliteMetadataStore extends SqliteStore implements MetadataStore {
  constructor(file: string, options: SqliteMetadataStoreOptions = {}) {
    super(file, METADATA_SCHEMA, options);
  }


  async createRun(run: { id: string; name: string; taskType: string; taskFile: string; spec: unknown }): Promise<RunRecord> {
    return this.write('createRun', () => {
      if (this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(run.id)) {
        throw new DeeplineError('DL_STORE', `a run with id "${run.id}" already exists`, {
          hint: 'choose a new run id, or resume that run instead of creating it',
        });
      }
      this.db
        .prepare(
          `INSERT INTO runs (id, name, task_type, task_file, spec, status, started_at)
           VALUES (?, ?, ?, ?, ?, 'running', ?)`,
        )
        .run(run.id, run.name, run.taskType, run.taskFile, canonicalJson(run.spec ?? null), this.stamp());
      return toRun(this.db.prepare('SELECT * FROM runs WHERE id = ?').get(run.id) as Row);
    });
  }

  async setRunStatus(id: string, status: RunStatus, error?: string): Promise<void> {
    this.write('setRunStatus', () => {
      const ended = status === 'running' ? null : this.stamp();
      const info = this.db
        .prepare('UPDATE runs SET status = ?, ended_at = ?, error = ? WHERE id = ?')
        .run(status, ended, status === 'running' ? null : (error ?? null), id);
      if (info.changes === 0) throw runNotFound(id);
    });
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    return this.read('getRun', () => {
      const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
      return row && toRun(row);
    });
  }

  async listRuns(options: { limit?: number } = {}): Promise<RunRecord[]> {
    const limit = options.limit ?? -1;
    if (limit !== -1 && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw new DeeplineError('DL_INTERNAL', `listRuns limit must be a non-negative integer, but got ${limit}`);
    }
    return this.read('listRuns', () =>
      (this.db.prepare('SELECT * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?').all(limit) as Row[]).map(toRun),
    );
  }

  async startStep(step: { runId: string; name: string; version: string; cacheKey: string; params: unknown }): Promise<number> {
    return this.write('startStep', () => {
      this.requireRun(step.runId);
      const info = this.db
        .prepare(
          `INSERT INTO steps (run_id, name, version, cache_key, status, started_at, params)
           VALUES (?, ?, ?, ?, 'running', ?, ?)`,
        )
        .run(step.runId, step.name, step.version, step.cacheKey, this.stamp(), canonicalJson(step.params ?? null));
      return Number(info.lastInsertRowid);
    });
  }

  async finishStep(
    stepId: number,
    result: { status: 'completed' | 'cached' | 'failed'; outputs?: Record<string, string>; error?: string },
  ): Promise<void> {
    this.write('finishStep', () => {
      const row = this.db.prepare('SELECT status, started_at FROM steps WHERE id = ?').get(stepId) as Row | undefined;
      if (!row) throw new DeeplineError('DL_STORE', `no step with id ${stepId}`);
      // Only the running → finished transition is allowed: a finished step is history.
      if (row.status !== 'running') {
        throw new DeeplineError('DL_STORE', `step ${stepId} is already ${String(row.status)} and cannot be finished again`);
      }
      const ended = this.stamp();
      const duration = Math.max(0, Date.parse(ended) - Date.parse(String(row.started_at)));
      this.db
        .prepare('UPDATE steps SET status = ?, ended_at = ?, duration_ms = ?, outputs = ?, error = ? WHERE id = ?')
        .run(result.status, ended, duration, canonicalJson(result.outputs ?? {}), result.error ?? null, stepId);
    });
  }

  async findCompletedStep(cacheKey: string): Promise<StepRecord | undefined> {
    return this.read('findCompletedStep', () => {
      const row = this.db
        .prepare(`SELECT * FROM steps WHERE cache_key = ? AND status = 'completed' ORDER BY id DESC LIMIT 1`)
        .get(cacheKey) as Row | undefined;
      return row && toStep(row);
    });
  }

  async recordArtifact(ref: ArtifactRef): Promise<void> {
    this.write('recordArtifact', () => {
      // Content-addressed: the first record of a hash stands; later ones are the same content.
      this.db
        .prepare('INSERT OR IGNORE INTO artifacts (hash, kind, size, uri, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(ref.hash, ref.kind, ref.size, ref.uri, this.stamp());
    });
  }

  async addLineage(edge: Omit<LineageEdge, 'stepName'>): Promise<void> {
    this.write('addLineage', () => {
      const step = this.db.prepare('SELECT run_id FROM steps WHERE id = ?').get(edge.stepId) as Row | undefined;
      if (!step) throw new DeeplineError('DL_STORE', `lineage names step ${edge.stepId}, which does not exist`);
      if (step.run_id !== edge.runId) {
        throw new DeeplineError('DL_STORE', `lineage names step ${edge.stepId} of run "${String(step.run_id)}" under run "${edge.runId}"`);
      }
      if (!this.db.prepare('SELECT 1 FROM artifacts WHERE hash = ?').get(edge.artifactHash)) {
        throw new DeeplineError('DL_STORE', `lineage names artifact ${edge.artifactHash}, which was never recorded`, {
          hint: 'call recordArtifact before addLineage',
        });
      }
      const existing = this.db
        .prepare('SELECT artifact_hash FROM lineage WHERE step_id = ? AND direction = ? AND name = ?')
        .get(edge.stepId, edge.direction, edge.name) as Row | undefined;
      if (existing) {
        if (existing.artifact_hash === edge.artifactHash) return;
        throw new DeeplineError('DL_STORE', `step ${edge.stepId} already has ${edge.direction} "${edge.name}" = ${String(existing.artifact_hash)}`);
      }
      this.db
        .prepare('INSERT INTO lineage (run_id, step_id, artifact_hash, name, direction) VALUES (?, ?, ?, ?, ?)')
        .run(edge.runId, edge.stepId, edge.artifactHash, edge.name, edge.direction);
    });
  }

  async logParams(runId: string, params: Record<string, unknown>): Promise<void> {
    this.write('logParams', () => {
      this.requireRun(runId);
      const get = this.db.prepare('SELECT value FROM params WHERE run_id = ? AND key = ?');
      const put = this.db.prepare('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)');
      for (const [key, value] of Object.entries(params)) {
        const json = canonicalJson(value ?? null);
        const old = get.get(runId, key) as Row | undefined;
        if (!old) put.run(runId, key, json);
        // Params describe how a run was configured; logging the same again (a resume) is fine,
        // changing one after the fact would falsify the record.
        else if (old.value !== json) {
          throw new DeeplineError('DL_STORE', `param "${key}" of run "${runId}" is ${String(old.value)} and cannot change to ${json}`, {
            hint: 'start a new run to try other parameters',
          });
        }
      }
    });
  }

  async logMetric(metric: Omit<MetricRecord, 'at'>): Promise<void> {
    for (const axis of ['step', 'epoch'] as const) {
      const v = metric[axis];
      if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) {
        throw new DeeplineError('DL_INTERNAL', `metric "${metric.key}" ${axis} must be a non-negative integer, but got ${v}`);
      }
    }
    if (typeof metric.value !== 'number') {
      throw new DeeplineError('DL_INTERNAL', `metric "${metric.key}" must be a number, but got ${typeof metric.value}`);
    }
    this.write('logMetric', () => {
      this.requireRun(metric.runId);
      this.db
        .prepare('INSERT INTO metrics (run_id, step_name, key, value, step, epoch, at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(
          metric.runId,
          metric.stepName,
          metric.key,
          Number.isNaN(metric.value) ? null : metric.value,
          metric.step ?? null,
          metric.epoch ?? null,
          this.stamp(),
        );
    });
  }

  async deleteRun(id: string): Promise<boolean> {
    return this.write('deleteRun', () => {
      if (!this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id)) return false;
      for (const table of ['lineage', 'metrics', 'params', 'steps']) this.db.prepare(`DELETE FROM ${table} WHERE run_id = ?`).run(id);
      this.db.prepare('DELETE FROM runs WHERE id = ?').run(id);
      return true;
    });
  }

  async getRunDetail(id: string): Promise<RunDetail | undefined> {
    return this.read('getRunDetail', () => {
      const runRow = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
      if (!runRow) return undefined;
      const steps = (this.db.prepare('SELECT * FROM steps WHERE run_id = ? ORDER BY id').all(id) as Row[]).map(toStep);
      const params: Record<string, unknown> = {};
      for (const row of this.db.prepare('SELECT key, value FROM params WHERE run_id = ? ORDER BY key').all(id) as Row[]) {
        params[String(row.key)] = deepFreeze(JSON.parse(String(row.value)));
      }
      const metrics = (this.db.prepare('SELECT * FROM metrics WHERE run_id = ? ORDER BY id').all(id) as Row[]).map(toMetric);
      const artifacts = (
        this.db
          .prepare(
            `SELECT * FROM artifacts WHERE hash IN (SELECT artifact_hash FROM lineage WHERE run_id = ?)
             ORDER BY created_at, hash`,
          )
          .all(id) as Row[]
      ).map(toArtifact);
      const lineage = (
        this.db
          .prepare(
            `SELECT l.*, s.name AS step_name FROM lineage l JOIN steps s ON s.id = l.step_id
             WHERE l.run_id = ? ORDER BY l.id`,
          )
          .all(id) as Row[]
      ).map(toLineage);
      return Object.freeze({
        run: toRun(runRow),
        steps: Object.freeze(steps),
        params: Object.freeze(params),
        metrics: Object.freeze(metrics),
        artifacts: Object.freeze(artifacts),
        lineage: Object.freeze(lineage),
      });
    });
  }

  private requireRun(runId: string): void {
    if (!this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId)) throw runNotFound(runId);
  }
}

function runNotFound(id: string): DeeplineError {
  return new DeeplineError('DL_RUN_NOT_FOUND', `no run with id "${id}" in the metadata store`, {
    hint: 'list runs with `deepline runs`',
  });
}


/** Copies `row[column]` to `key` only when set, so absent optional fields are absent, not undefined. */
function optional<T>(row: Row, column: string, key: string, map: (v: unknown) => T = (v) => v as T): Record<string, T> {
  const v = row[column];
  return v === null || v === undefined ? {} : { [key]: map(v) };
}

function toRun(row: Row): RunRecord {
  return deepFreeze({
    id: String(row.id),
    name: String(row.name),
    taskType: String(row.task_type),
    taskFile: String(row.task_file),
    spec: JSON.parse(String(row.spec)) as unknown,
    status: row.status as RunStatus,
    startedAt: String(row.started_at),
    ...optional(row, 'ended_at', 'endedAt', String),
    ...optional(row, 'error', 'error', String),
  });
}

function toStep(row: Row): StepRecord {
  return deepFreeze({
    id: Number(row.id),
    runId: String(row.run_id),
    name: String(row.name),
    version: String(row.version),
    cacheKey: String(row.cache_key),
    status: row.status as StepRecord['status'],
    startedAt: String(row.started_at),
    ...optional(row, 'ended_at', 'endedAt', String),
    ...optional(row, 'duration_ms', 'durationMs', Number),
    params: JSON.parse(String(row.params)) as unknown,
    outputs: JSON.parse(String(row.outputs)) as Record<string, string>,
    ...optional(row, 'error', 'error', String),
  });
}

function toMetric(row: Row): MetricRecord {
  return Object.freeze({
    runId: String(row.run_id),
    stepName: String(row.step_name),
    key: String(row.key),
    value: row.value === null ? Number.NaN : Number(row.value),
    ...optional(row, 'step', 'step', Number),
    ...optional(row, 'epoch', 'epoch', Number),
    at: String(row.at),
  });
}

function toArtifact(row: Row): ArtifactRecord {
  return Object.freeze({
    hash: String(row.hash),
    kind: row.kind as ArtifactRecord['kind'],
    size: Number(row.size),
    uri: String(row.uri),
    createdAt: String(row.created_at),
  });
}

function toLineage(row: Row): LineageEdge {
  return Object.freeze({
    runId: String(row.run_id),
    stepId: Number(row.step_id),
    stepName: String(row.step_name),
    artifactHash: String(row.artifact_hash),
    name: String(row.name),
    direction: row.direction as LineageEdge['direction'],
  });
}

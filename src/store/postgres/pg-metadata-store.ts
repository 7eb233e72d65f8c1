import { DeeplineError } from '../../errors/index.ts';
import type { ArtifactRef } from '../artifacts/artifact-store.ts';
import { canonicalJson } from '../canonical-json.ts';
import { deepFreeze } from '../deep-freeze.ts';
import type { ArtifactRecord, LineageEdge, MetadataStore, MetricRecord, RunDetail, RunRecord, RunStatus, StepRecord } from '../metadata/metadata-store.ts';
import type { PgSchema } from './migrate-postgres.ts';
import type { PgDatabase } from './pg-database.ts';
import { PgStore, rowsOf, type PgStoreOptions, type Row } from './pg-store.ts';

/**
 * The metadata tables in PostgreSQL, as in SQLite (see sqlite-migrations.ts) with two changes:
 * JSON stays text (canonical JSON, so equal values compare equal), and `seq` orders runs that
 * started in the same millisecond. Entries are never edited once released.
 */
const METADATA_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id         TEXT PRIMARY KEY,
    seq        BIGSERIAL NOT NULL,
    name       TEXT NOT NULL,
    task_type  TEXT NOT NULL,
    task_file  TEXT NOT NULL,
    spec       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    started_at TEXT NOT NULL,
    ended_at   TEXT,
    error      TEXT
  );
  CREATE INDEX runs_by_start ON runs (started_at DESC, seq DESC);

  CREATE TABLE steps (
    id          BIGSERIAL PRIMARY KEY,
    run_id      TEXT NOT NULL REFERENCES runs (id),
    name        TEXT NOT NULL,
    version     TEXT NOT NULL,
    cache_key   TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('running', 'completed', 'cached', 'failed')),
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    duration_ms BIGINT,
    params      TEXT NOT NULL,
    outputs     TEXT NOT NULL DEFAULT '{}',
    error       TEXT
  );
  CREATE INDEX steps_by_run ON steps (run_id);
  CREATE INDEX steps_by_cache_key ON steps (cache_key, status);

  CREATE TABLE params (
    run_id TEXT NOT NULL REFERENCES runs (id),
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
  );

  -- value is NULL only for NaN, as in SQLite (double precision could hold it; both stores agree).
  CREATE TABLE metrics (
    id        BIGSERIAL PRIMARY KEY,
    run_id    TEXT NOT NULL REFERENCES runs (id),
    step_name TEXT NOT NULL,
    key       TEXT NOT NULL,
    value     DOUBLE PRECISION,
    step      BIGINT,
    epoch     BIGINT,
    at        TEXT NOT NULL
  );
  CREATE INDEX metrics_by_run ON metrics (run_id, key);

  CREATE TABLE artifacts (
    hash       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('json', 'file', 'dir')),
    size       BIGINT NOT NULL,
    uri        TEXT NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE lineage (
    id            BIGSERIAL PRIMARY KEY,
    run_id        TEXT NOT NULL REFERENCES runs (id),
    step_id       BIGINT NOT NULL REFERENCES steps (id),
    artifact_hash TEXT NOT NULL REFERENCES artifacts (hash),
    name          TEXT NOT NULL,
    direction     TEXT NOT NULL CHECK (direction IN ('input', 'output')),
    UNIQUE (step_id, direction, name)
  );
  CREATE INDEX lineage_by_run ON lineage (run_id);
  CREATE INDEX lineage_by_artifact ON lineage (artifact_hash);
  `,
];

const METADATA_SCHEMA: PgSchema = { label: 'metadata store', component: 'metadata', migrations: METADATA_MIGRATIONS };

/**
 * The metadata store in PostgreSQL, for runs recorded from several machines. Same contract as
 * SqliteMetadataStore (metadata-store.ts); checks and writes that must not interleave run in one
 * transaction with the rows they check locked (`FOR UPDATE`).
 */
export class PgMetadataStore extends PgStore implements MetadataStore {
  private constructor(db: PgDatabase, options: PgStoreOptions) {
    super(db, METADATA_SCHEMA, options);
  }

  static async open(db: PgDatabase, options: PgStoreOptions = {}): Promise<PgMetadataStore> {
    const store = new PgMetadataStore(db, options);
    await store.migrate();
    return store;
  }

  async createRun(run: { id: string; name: string; taskType: string; taskFile: string; spec: unknown }): Promise<RunRecord> {
    return this.write('createRun', async (c) => {
      const inserted = await rowsOf(
        c,
        `INSERT INTO runs (id, name, task_type, task_file, spec, status, started_at)
         VALUES ($1, $2, $3, $4, $5, 'running', $6) ON CONFLICT (id) DO NOTHING RETURNING *`,
        [run.id, run.name, run.taskType, run.taskFile, canonicalJson(run.spec ?? null), this.stamp()],
      );
      if (inserted.length === 0) {
        throw new DeeplineError('DL_STORE', `a run with id "${run.id}" already exists`, {
          hint: 'choose a new run id, or resume that run instead of creating it',
        });
      }
      return toRun(inserted[0]);
    });
  }

  async setRunStatus(id: string, status: RunStatus, error?: string): Promise<void> {
    const ended = status === 'running' ? null : this.stamp();
    const updated = await this.rows('setRunStatus', 'UPDATE runs SET status = $1, ended_at = $2, error = $3 WHERE id = $4 RETURNING id', [
      status,
      ended,
      status === 'running' ? null : (error ?? null),
      id,
    ]);
    if (updated.length === 0) throw runNotFound(id);
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const [row] = await this.rows('getRun', 'SELECT * FROM runs WHERE id = $1', [id]);
    return row && toRun(row);
  }

  async listRuns(options: { limit?: number } = {}): Promise<RunRecord[]> {
    const limit = options.limit ?? -1;
    if (limit !== -1 && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw new DeeplineError('DL_INTERNAL', `listRuns limit must be a non-negative integer, but got ${limit}`);
    }
    const rows = await this.rows('listRuns', 'SELECT * FROM runs ORDER BY started_at DESC, seq DESC LIMIT $1', [limit === -1 ? null : limit]);
    return rows.map(toRun);
  }

  async startStep(step: { runId: string; name: string; version: string; cacheKey: string; params: unknown }): Promise<number> {
    return this.write('startStep', async (c) => {
      await requireRun(c, step.runId);
      const [row] = await rowsOf(
        c,
        `INSERT INTO steps (run_id, name, version, cache_key, status, started_at, params)
         VALUES ($1, $2, $3, $4, 'running', $5, $6) RETURNING id`,
        [step.runId, step.name, step.version, step.cacheKey, this.stamp(), canonicalJson(step.params ?? null)],
      );
      return Number(row.id);
    });
  }

  async finishStep(stepId: number, result: { status: 'completed' | 'cached' | 'failed'; outputs?: Record<string, string>; error?: string }): Promise<void> {
    await this.write('finishStep', async (c) => {
      const [row] = await rowsOf(c, 'SELECT status, started_at FROM steps WHERE id = $1 FOR UPDATE', [stepId]);
      if (!row) throw new DeeplineError('DL_STORE', `no step with id ${stepId}`);
      // Only the running → finished transition is allowed: a finished step is history.
      if (row.status !== 'running') {
        throw new DeeplineError('DL_STORE', `step ${stepId} is already ${String(row.status)} and cannot be finished again`);
      }
      const ended = this.stamp();
      const duration = Math.max(0, Date.parse(ended) - Date.parse(String(row.started_at)));
      await c.query('UPDATE steps SET status = $1, ended_at = $2, duration_ms = $3, outputs = $4, error = $5 WHERE id = $6', [
        result.status,
        ended,
        duration,
        canonicalJson(result.outputs ?? {}),
        result.error ?? null,
        stepId,
      ]);
    });
  }

  async findCompletedStep(cacheKey: string): Promise<StepRecord | undefined> {
    const [row] = await this.rows('findCompletedStep', `SELECT * FROM steps WHERE cache_key = $1 AND status = 'completed' ORDER BY id DESC LIMIT 1`, [cacheKey]);
    return row && toStep(row);
  }

  async recordArtifact(ref: ArtifactRef): Promise<void> {
    // Content-addressed: the first record of a hash stands; later ones are the same content.
    await this.rows('recordArtifact', 'INSERT INTO artifacts (hash, kind, size, uri, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hash) DO NOTHING', [
      ref.hash,
      ref.kind,
      ref.size,
      ref.uri,
      this.stamp(),
    ]);
  }

  async addLineage(edge: Omit<LineageEdge, 'stepName'>): Promise<void> {
    await this.write('addLineage', async (c) => {
      const [step] = await rowsOf(c, 'SELECT run_id FROM steps WHERE id = $1', [edge.stepId]);
      if (!step) throw new DeeplineError('DL_STORE', `lineage names step ${edge.stepId}, which does not exist`);
      if (step.run_id !== edge.runId) {
        throw new DeeplineError('DL_STORE', `lineage names step ${edge.stepId} of run "${String(step.run_id)}" under run "${edge.runId}"`);
      }
      if ((await rowsOf(c, 'SELECT 1 FROM artifacts WHERE hash = $1', [edge.artifactHash])).length === 0) {
        throw new DeeplineError('DL_STORE', `lineage names artifact ${edge.artifactHash}, which was never recorded`, {
          hint: 'call recordArtifact before addLineage',
        });
      }
      const inserted = await rowsOf(
        c,
        `INSERT INTO lineage (run_id, step_id, artifact_hash, name, direction) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (step_id, direction, name) DO NOTHING RETURNING id`,
        [edge.runId, edge.stepId, edge.artifactHash, edge.name, edge.direction],
      );
      if (inserted.length > 0) return;
      const [existing] = await rowsOf(c, 'SELECT artifact_hash FROM lineage WHERE step_id = $1 AND direction = $2 AND name = $3', [edge.stepId, edge.direction, edge.name]);
      if (existing.artifact_hash !== edge.artifactHash) {
        throw new DeeplineError('DL_STORE', `step ${edge.stepId} already has ${edge.direction} "${edge.name}" = ${String(existing.artifact_hash)}`);
      }
    });
  }

  async logParams(runId: string, params: Record<string, unknown>): Promise<void> {
    await this.write('logParams', async (c) => {
      await requireRun(c, runId);
      for (const [key, value] of Object.entries(params)) {
        const json = canonicalJson(value ?? null);
        await c.query('INSERT INTO params (run_id, key, value) VALUES ($1, $2, $3) ON CONFLICT (run_id, key) DO NOTHING', [runId, key, json]);
        const [old] = await rowsOf(c, 'SELECT value FROM params WHERE run_id = $1 AND key = $2', [runId, key]);
        // Params describe how a run was configured; logging the same again (a resume) is fine,
        // changing one after the fact would falsify the record.
        if (old.value !== json) {
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
    const inserted = await this.rows(
      'logMetric',
      `INSERT INTO metrics (run_id, step_name, key, value, step, epoch, at)
       SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM runs WHERE id = $1) RETURNING id`,
      [metric.runId, metric.stepName, metric.key, Number.isNaN(metric.value) ? null : metric.value, metric.step ?? null, metric.epoch ?? null, this.stamp()],
    );
    if (inserted.length === 0) throw runNotFound(metric.runId);
  }

  async deleteRun(id: string): Promise<boolean> {
    return this.write('deleteRun', async (c) => {
      // The run's row locked first: a step or metric written meanwhile waits, then finds no run.
      if ((await rowsOf(c, 'SELECT id FROM runs WHERE id = $1 FOR UPDATE', [id])).length === 0) return false;
      for (const table of ['lineage', 'metrics', 'params', 'steps']) await c.query(`DELETE FROM ${table} WHERE run_id = $1`, [id]);
      await c.query('DELETE FROM runs WHERE id = $1', [id]);
      return true;
    });
  }

  async getRunDetail(id: string): Promise<RunDetail | undefined> {
    // One snapshot, so the parts agree with each other while a run writes.
    return this.write('getRunDetail', async (c) => {
      await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const [runRow] = await rowsOf(c, 'SELECT * FROM runs WHERE id = $1', [id]);
      if (!runRow) return undefined;
      const steps = (await rowsOf(c, 'SELECT * FROM steps WHERE run_id = $1 ORDER BY id', [id])).map(toStep);
      const params: Record<string, unknown> = {};
      for (const row of await rowsOf(c, 'SELECT key, value FROM params WHERE run_id = $1 ORDER BY key COLLATE "C"', [id])) {
        params[String(row.key)] = deepFreeze(JSON.parse(String(row.value)));
      }
      const metrics = (await rowsOf(c, 'SELECT * FROM metrics WHERE run_id = $1 ORDER BY id', [id])).map(toMetric);
      const artifacts = (
        await rowsOf(c, 'SELECT * FROM artifacts WHERE hash IN (SELECT artifact_hash FROM lineage WHERE run_id = $1) ORDER BY created_at, hash COLLATE "C"', [id])
      ).map(toArtifact);
      const lineage = (
        await rowsOf(c, 'SELECT l.*, s.name AS step_name FROM lineage l JOIN steps s ON s.id = l.step_id WHERE l.run_id = $1 ORDER BY l.id', [id])
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
}

async function requireRun(c: Parameters<typeof rowsOf>[0], runId: string): Promise<void> {
  // FOR SHARE: the run cannot vanish under the rows that name it (it never does, but the check is then exact).
  if ((await rowsOf(c, 'SELECT 1 FROM runs WHERE id = $1 FOR SHARE', [runId])).length === 0) throw runNotFound(runId);
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

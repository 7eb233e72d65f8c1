import { DeeplineError } from '../errors/index.ts';
import { gateFailure } from './check-gates.ts';
import { checkModelName } from './model-name.ts';
import type {
  GateResult,
  ModelRegistryStore,
  ModelVersion,
  NewModelVersion,
  RegisteredModel,
  ServingStage,
  Stage,
  StageChange,
  StageChangeRequest,
  StageEvent,
  TargetStage,
} from './model-registry-store.ts';
import { productionBefore } from './production-history.ts';
import type { ReleaseGates } from '../task/release-gates.ts';
import { canonicalJson } from '../store/canonical-json.ts';
import { deepFreeze } from '../store/deep-freeze.ts';
import type { PgSchema } from '../store/postgres/migrate-postgres.ts';
import type { PgClient, PgDatabase } from '../store/postgres/pg-database.ts';
import { PgStore, rowsOf, type PgStoreOptions, type Row } from '../store/postgres/pg-store.ts';

/** Registry tables in PostgreSQL, as in SQLite (sqlite-model-registry-store.ts). Entries are never edited once released. */
const REGISTRY_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE registry_models (
    name       TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
  );

  CREATE TABLE registry_versions (
    model             TEXT NOT NULL REFERENCES registry_models (name),
    version           INTEGER NOT NULL,
    stage             TEXT NOT NULL CHECK (stage IN ('none', 'staging', 'production', 'archived')),
    run_id            TEXT,
    task              TEXT NOT NULL,
    data_version      TEXT,
    data_content_hash TEXT,
    metrics           TEXT NOT NULL,
    gates             TEXT NOT NULL,
    artifact_hash     TEXT NOT NULL,
    artifact_size     BIGINT NOT NULL,
    files             TEXT NOT NULL,
    source            TEXT NOT NULL,
    actor             TEXT NOT NULL,
    note              TEXT,
    registered_at     TEXT NOT NULL,
    PRIMARY KEY (model, version)
  );
  -- One version per model in production and one in staging, whatever the writers do.
  CREATE UNIQUE INDEX registry_one_per_stage ON registry_versions (model, stage) WHERE stage IN ('staging', 'production');

  CREATE TABLE registry_events (
    id         BIGSERIAL PRIMARY KEY,
    model      TEXT NOT NULL,
    version    INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('register', 'promote', 'replaced', 'rollback')),
    from_stage TEXT,
    to_stage   TEXT NOT NULL,
    actor      TEXT NOT NULL,
    reason     TEXT,
    forced     BOOLEAN NOT NULL DEFAULT false,
    gates      TEXT,
    at         TEXT NOT NULL,
    FOREIGN KEY (model, version) REFERENCES registry_versions (model, version)
  );
  CREATE INDEX registry_events_by_model ON registry_events (model, id);
  `,
];

const REGISTRY_SCHEMA: PgSchema = { label: 'model registry', component: 'registry', migrations: REGISTRY_MIGRATIONS };

const TARGET_STAGES: readonly string[] = ['staging', 'production', 'archived'] satisfies TargetStage[];

/**
 * The model registry in PostgreSQL, shared by every machine that registers, promotes or serves.
 * Every change locks the model's row first (`FOR UPDATE`), so registrations and stage changes of
 * one model happen one at a time across processes; the partial unique index is the last guard of
 * one version per serving stage.
 */
export class PgModelRegistryStore extends PgStore implements ModelRegistryStore {
  private constructor(db: PgDatabase, options: PgStoreOptions) {
    super(db, REGISTRY_SCHEMA, options);
  }

  /** Opens the registry, its tables created or upgraded before it answers. */
  static async open(db: PgDatabase, options: PgStoreOptions = {}): Promise<PgModelRegistryStore> {
    const store = new PgModelRegistryStore(db, options);
    await store.migrate();
    return store;
  }

  /** The registry on a shared database, at once: its tables are created or upgraded by its first call. */
  static create(db: PgDatabase, options: PgStoreOptions = {}): PgModelRegistryStore {
    return new PgModelRegistryStore(db, options);
  }

  async registerVersion(input: NewModelVersion): Promise<ModelVersion> {
    checkModelName(input.model);
    return this.write('registerVersion', async (c) => {
      const at = this.stamp();
      await c.query('INSERT INTO registry_models (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [input.model, at]);
      await c.query('SELECT 1 FROM registry_models WHERE name = $1 FOR UPDATE', [input.model]);
      const [{ next }] = await rowsOf(c, 'SELECT COALESCE(MAX(version), 0) + 1 AS next FROM registry_versions WHERE model = $1', [input.model]);
      const version = Number(next);
      await c.query(
        `INSERT INTO registry_versions (model, version, stage, run_id, task, data_version, data_content_hash, metrics, gates,
           artifact_hash, artifact_size, files, source, actor, note, registered_at)
         VALUES ($1, $2, 'none', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [
          input.model,
          version,
          input.runId ?? null,
          input.task,
          input.dataVersion ?? null,
          input.dataContentHash ?? null,
          canonicalJson(finiteOnly(input.metrics)),
          canonicalJson(input.gates),
          input.artifacts.hash,
          input.artifacts.size,
          canonicalJson(input.artifacts.files),
          input.source,
          input.actor,
          input.note ?? null,
          at,
        ],
      );
      await addEvent(c, { model: input.model, version, kind: 'register', to: 'none', actor: input.actor, reason: input.note, at });
      return (await loadVersion(c, input.model, version))!;
    });
  }

  async getModel(name: string): Promise<RegisteredModel | undefined> {
    const [row] = await this.rows('getModel', `${MODEL_SELECT} WHERE m.name = $1`, [name]);
    return row && toModel(row);
  }

  async listModels(): Promise<RegisteredModel[]> {
    return (await this.rows('listModels', `${MODEL_SELECT} ORDER BY m.name COLLATE "C"`)).map(toModel);
  }

  async getVersion(model: string, version: number): Promise<ModelVersion | undefined> {
    const [row] = await this.rows('getVersion', 'SELECT * FROM registry_versions WHERE model = $1 AND version = $2', [model, version]);
    return row && toVersion(row);
  }

  async listVersions(model: string): Promise<ModelVersion[]> {
    return (await this.rows('listVersions', 'SELECT * FROM registry_versions WHERE model = $1 ORDER BY version', [model])).map(toVersion);
  }

  async versionInStage(model: string, stage: ServingStage): Promise<ModelVersion | undefined> {
    const [row] = await this.rows('versionInStage', 'SELECT * FROM registry_versions WHERE model = $1 AND stage = $2', [model, stage]);
    return row && toVersion(row);
  }

  async promote(request: StageChangeRequest): Promise<StageChange> {
    const { model, version, stage, actor, reason } = request;
    if (!TARGET_STAGES.includes(stage)) {
      throw new DeeplineError('DL_REGISTRY', `a version can be promoted to ${TARGET_STAGES.join(', ')}, not ${JSON.stringify(stage)}`);
    }
    return this.write('promote', async (c) => {
      await c.query('SELECT 1 FROM registry_models WHERE name = $1 FOR UPDATE', [model]);
      const current = await loadVersion(c, model, version);
      if (!current) throw await this.missingVersion(c, model, version);
      if (current.stage === stage) {
        throw new DeeplineError('DL_REGISTRY', `version ${version} of ${model} is already in ${stage}`, { hint: `\`deepline registry show ${model}\` lists its versions and stages` });
      }
      const failed = (request.gates ?? []).filter((g) => !g.passed);
      if (failed.length > 0 && request.force !== true) throw gateFailure(model, version, failed);
      const at = this.stamp();
      const holder = stage === 'archived' ? undefined : await holderOf(c, model, stage);
      // The holder leaves first: the unique index allows one version per serving stage at any moment.
      if (holder) await setStage(c, model, holder.version, 'archived');
      await setStage(c, model, version, stage);
      const events = [await addEvent(c, { model, version, kind: 'promote', from: current.stage, to: stage, actor, reason, forced: failed.length > 0, gates: request.gates, at })];
      if (holder) events.push(await addEvent(c, { model, version: holder.version, kind: 'replaced', from: stage, to: 'archived', actor, reason: `replaced by version ${version}`, at }));
      const replaced = holder ? await loadVersion(c, model, holder.version) : undefined;
      return deepFreeze({ version: (await loadVersion(c, model, version))!, ...(replaced && { replaced }), events });
    });
  }

  async rollback(request: { model: string; actor: string; reason?: string }): Promise<StageChange> {
    const { model, actor, reason } = request;
    return this.write('rollback', async (c) => {
      if ((await rowsOf(c, 'SELECT 1 FROM registry_models WHERE name = $1 FOR UPDATE', [model])).length === 0) throw await this.missingModel(c, model);
      const current = await holderOf(c, model, 'production');
      if (!current) {
        throw new DeeplineError('DL_REGISTRY', `${model} has no version in production to roll back`, { hint: `promote one: deepline registry promote ${model} <version>` });
      }
      const target = productionBefore(await loadEvents(c, model), current.version);
      if (target === undefined) {
        throw new DeeplineError('DL_REGISTRY', `${model} has no earlier production version to roll back to: version ${current.version} is the first`, {
          hint: `promote another version instead: deepline registry promote ${model} <version>`,
        });
      }
      const previous = (await loadVersion(c, model, target))!;
      const at = this.stamp();
      await setStage(c, model, current.version, 'archived');
      await setStage(c, model, target, 'production');
      const events = [
        await addEvent(c, { model, version: current.version, kind: 'rollback', from: 'production', to: 'archived', actor, reason, at }),
        await addEvent(c, { model, version: target, kind: 'rollback', from: previous.stage, to: 'production', actor, reason, at }),
      ];
      return deepFreeze({ version: (await loadVersion(c, model, target))!, replaced: (await loadVersion(c, model, current.version))!, events });
    });
  }

  async history(model: string): Promise<StageEvent[]> {
    return (await this.rows('history', 'SELECT * FROM registry_events WHERE model = $1 ORDER BY id', [model])).map(toEvent);
  }

  private async missingVersion(c: PgClient, model: string, version: number): Promise<DeeplineError> {
    if ((await rowsOf(c, 'SELECT 1 FROM registry_models WHERE name = $1', [model])).length === 0) return this.missingModel(c, model);
    const [{ n }] = await rowsOf(c, 'SELECT count(*)::int AS n FROM registry_versions WHERE model = $1', [model]);
    return new DeeplineError('DL_REGISTRY', `${model} has no version ${version} (it has versions 1 to ${String(n)})`, { hint: `\`deepline registry show ${model}\` lists them` });
  }

  private async missingModel(c: PgClient, model: string): Promise<DeeplineError> {
    const names = (await rowsOf(c, 'SELECT name FROM registry_models ORDER BY name COLLATE "C"')).map((r) => String(r.name));
    return new DeeplineError('DL_REGISTRY', `no model named ${JSON.stringify(model)} in the registry (${this.location})${names.length ? `; registered: ${names.join(', ')}` : ''}`, {
      hint: 'register a run first: deepline registry register <run-id or folder> --name <model>',
    });
  }
}

async function holderOf(c: PgClient, model: string, stage: ServingStage): Promise<ModelVersion | undefined> {
  const [row] = await rowsOf(c, 'SELECT * FROM registry_versions WHERE model = $1 AND stage = $2', [model, stage]);
  return row && toVersion(row);
}

async function loadVersion(c: PgClient, model: string, version: number): Promise<ModelVersion | undefined> {
  const [row] = await rowsOf(c, 'SELECT * FROM registry_versions WHERE model = $1 AND version = $2', [model, version]);
  return row && toVersion(row);
}

async function loadEvents(c: PgClient, model: string): Promise<StageEvent[]> {
  return (await rowsOf(c, 'SELECT * FROM registry_events WHERE model = $1 ORDER BY id', [model])).map(toEvent);
}

async function setStage(c: PgClient, model: string, version: number, stage: TargetStage): Promise<void> {
  await c.query('UPDATE registry_versions SET stage = $1 WHERE model = $2 AND version = $3', [stage, model, version]);
}

async function addEvent(c: PgClient, e: Omit<StageEvent, 'id' | 'forced' | 'gates'> & { forced?: boolean; gates?: readonly GateResult[] }): Promise<StageEvent> {
  const [row] = await rowsOf(
    c,
    'INSERT INTO registry_events (model, version, kind, from_stage, to_stage, actor, reason, forced, gates, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *',
    [e.model, e.version, e.kind, e.from ?? null, e.to, e.actor, e.reason ?? null, e.forced === true, e.gates ? canonicalJson(e.gates) : null, e.at],
  );
  return toEvent(row);
}

const MODEL_SELECT = `
  SELECT m.name, m.created_at,
    (SELECT MAX(version) FROM registry_versions v WHERE v.model = m.name) AS versions,
    (SELECT version FROM registry_versions v WHERE v.model = m.name AND v.stage = 'production') AS production,
    (SELECT version FROM registry_versions v WHERE v.model = m.name AND v.stage = 'staging') AS staging,
    (SELECT MAX(at) FROM registry_events e WHERE e.model = m.name) AS updated_at
  FROM registry_models m`;

/** JSON holds no NaN or Infinity: a metric that is not a finite number counts as not measured. */
function finiteOnly(metrics: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)));
}

function toModel(row: Row): RegisteredModel {
  return deepFreeze({
    name: String(row.name),
    createdAt: String(row.created_at),
    versions: Number(row.versions ?? 0),
    ...(row.production !== null && { production: Number(row.production) }),
    ...(row.staging !== null && { staging: Number(row.staging) }),
    updatedAt: String(row.updated_at ?? row.created_at),
  });
}

function toVersion(row: Row): ModelVersion {
  return deepFreeze({
    model: String(row.model),
    version: Number(row.version),
    stage: row.stage as Stage,
    ...(row.run_id !== null && { runId: String(row.run_id) }),
    task: String(row.task),
    ...(row.data_version !== null && { dataVersion: String(row.data_version) }),
    ...(row.data_content_hash !== null && { dataContentHash: String(row.data_content_hash) }),
    metrics: JSON.parse(String(row.metrics)) as Record<string, number>,
    gates: JSON.parse(String(row.gates)) as ReleaseGates,
    artifacts: { hash: String(row.artifact_hash), size: Number(row.artifact_size), files: JSON.parse(String(row.files)) as Record<string, string> },
    source: String(row.source),
    actor: String(row.actor),
    ...(row.note !== null && { note: String(row.note) }),
    registeredAt: String(row.registered_at),
  });
}

function toEvent(row: Row): StageEvent {
  return deepFreeze({
    id: Number(row.id),
    model: String(row.model),
    version: Number(row.version),
    kind: row.kind as StageEvent['kind'],
    ...(row.from_stage !== null && { from: row.from_stage as Stage }),
    to: row.to_stage as Stage,
    actor: String(row.actor),
    ...(row.reason !== null && { reason: String(row.reason) }),
    forced: row.forced === true,
    ...(row.gates !== null && { gates: JSON.parse(String(row.gates)) as GateResult[] }),
    at: String(row.at),
  });
}

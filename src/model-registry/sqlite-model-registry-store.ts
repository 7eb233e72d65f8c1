import { DeeplineError } from '../errors/index.ts';
import { canonicalJson } from '../store/canonical-json.ts';
import { deepFreeze } from '../store/deep-freeze.ts';
import { SqliteStore, type SqliteSchema, type SqliteStoreOptions } from '../store/metadata/sqlite-store.ts';
import type { ReleaseGates } from '../task/release-gates.ts';
import { gateFailure } from './check-gates.ts';
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
import { checkModelName } from './model-name.ts';

/**
 * Registry tables, versioned apart from the run and study tables (`registry_schema_version`), so
 * they share `.deepline/metadata.db` without waiting on each other's migrations. Entries are
 * never edited once released; a change is a new entry.
 */
const REGISTRY_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE registry_models (
    name       TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
  ) WITHOUT ROWID;

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
    artifact_size     INTEGER NOT NULL,
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
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    model      TEXT NOT NULL,
    version    INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('register', 'promote', 'replaced', 'rollback')),
    from_stage TEXT,
    to_stage   TEXT NOT NULL,
    actor      TEXT NOT NULL,
    reason     TEXT,
    forced     INTEGER NOT NULL DEFAULT 0,
    gates      TEXT,
    at         TEXT NOT NULL,
    FOREIGN KEY (model, version) REFERENCES registry_versions (model, version)
  );
  CREATE INDEX registry_events_by_model ON registry_events (model, id);
  `,
];

const REGISTRY_SCHEMA: SqliteSchema = { label: 'model registry', what: 'registry schema', versionTable: 'registry_schema_version', migrations: REGISTRY_MIGRATIONS };

type Row = Record<string, unknown>;

const TARGET_STAGES: readonly string[] = ['staging', 'production', 'archived'] satisfies TargetStage[];

export type SqliteModelRegistryStoreOptions = SqliteStoreOptions;

/**
 * The model registry in SQLite, by default in the workspace's `metadata.db` beside the runs it
 * links to. Each method is one transaction; writes take the lock at once (IMMEDIATE), so the
 * next version number is read and taken by one process at a time.
 */
export class SqliteModelRegistryStore extends SqliteStore implements ModelRegistryStore {
  constructor(file: string, options: SqliteModelRegistryStoreOptions = {}) {
    super(file, REGISTRY_SCHEMA, options);
  }

  async registerVersion(input: NewModelVersion): Promise<ModelVersion> {
    checkModelName(input.model);
    return this.write('registerVersion', () => {
      const at = this.stamp();
      this.db.prepare('INSERT OR IGNORE INTO registry_models (name, created_at) VALUES (?, ?)').run(input.model, at);
      const { next } = this.db.prepare('SELECT COALESCE(MAX(version), 0) + 1 AS next FROM registry_versions WHERE model = ?').get(input.model) as { next: number };
      this.db
        .prepare(
          `INSERT INTO registry_versions (model, version, stage, run_id, task, data_version, data_content_hash, metrics, gates,
             artifact_hash, artifact_size, files, source, actor, note, registered_at)
           VALUES (?, ?, 'none', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.model,
          next,
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
        );
      this.addEvent({ model: input.model, version: next, kind: 'register', to: 'none', actor: input.actor, reason: input.note, at });
      return this.loadVersion(input.model, next)!;
    });
  }

  async getModel(name: string): Promise<RegisteredModel | undefined> {
    return this.read('getModel', () => {
      const row = this.db.prepare(`${MODEL_SELECT} WHERE m.name = ?`).get(name) as Row | undefined;
      return row && toModel(row);
    });
  }

  async listModels(): Promise<RegisteredModel[]> {
    return this.read('listModels', () => (this.db.prepare(`${MODEL_SELECT} ORDER BY m.name`).all() as Row[]).map(toModel));
  }

  async getVersion(model: string, version: number): Promise<ModelVersion | undefined> {
    return this.read('getVersion', () => this.loadVersion(model, version));
  }

  async listVersions(model: string): Promise<ModelVersion[]> {
    return this.read('listVersions', () => (this.db.prepare('SELECT * FROM registry_versions WHERE model = ? ORDER BY version').all(model) as Row[]).map(toVersion));
  }

  async versionInStage(model: string, stage: ServingStage): Promise<ModelVersion | undefined> {
    return this.read('versionInStage', () => this.holderOf(model, stage));
  }

  async promote(request: StageChangeRequest): Promise<StageChange> {
    const { model, version, stage, actor, reason } = request;
    if (!TARGET_STAGES.includes(stage)) {
      throw new DeeplineError('DL_REGISTRY', `a version can be promoted to ${TARGET_STAGES.join(', ')}, not ${JSON.stringify(stage)}`);
    }
    return this.write('promote', () => {
      const current = this.loadVersion(model, version);
      if (!current) throw this.missingVersion(model, version);
      if (current.stage === stage) {
        throw new DeeplineError('DL_REGISTRY', `version ${version} of ${model} is already in ${stage}`, { hint: `\`deepline registry show ${model}\` lists its versions and stages` });
      }
      const failed = (request.gates ?? []).filter((g) => !g.passed);
      if (failed.length > 0 && request.force !== true) throw gateFailure(model, version, failed);
      const at = this.stamp();
      const holder = stage === 'archived' ? undefined : this.holderOf(model, stage);
      // The holder leaves first: the unique index allows one version per serving stage at any moment.
      if (holder) this.setStage(model, holder.version, 'archived');
      this.setStage(model, version, stage);
      const events = [
        this.addEvent({ model, version, kind: 'promote', from: current.stage, to: stage, actor, reason, forced: failed.length > 0, gates: request.gates, at }),
        ...(holder ? [this.addEvent({ model, version: holder.version, kind: 'replaced', from: stage, to: 'archived', actor, reason: `replaced by version ${version}`, at })] : []),
      ];
      return deepFreeze({ version: this.loadVersion(model, version)!, ...(holder && { replaced: this.loadVersion(model, holder.version)! }), events });
    });
  }

  async rollback(request: { model: string; actor: string; reason?: string }): Promise<StageChange> {
    const { model, actor, reason } = request;
    return this.write('rollback', () => {
      if (!this.db.prepare('SELECT 1 FROM registry_models WHERE name = ?').get(model)) throw this.missingModel(model);
      const current = this.holderOf(model, 'production');
      if (!current) {
        throw new DeeplineError('DL_REGISTRY', `${model} has no version in production to roll back`, { hint: `promote one: deepline registry promote ${model} <version>` });
      }
      const target = productionBefore(this.loadEvents(model), current.version);
      if (target === undefined) {
        throw new DeeplineError('DL_REGISTRY', `${model} has no earlier production version to roll back to: version ${current.version} is the first`, {
          hint: `promote another version instead: deepline registry promote ${model} <version>`,
        });
      }
      const previous = this.loadVersion(model, target)!;
      const at = this.stamp();
      this.setStage(model, current.version, 'archived');
      this.setStage(model, target, 'production');
      const events = [
        this.addEvent({ model, version: current.version, kind: 'rollback', from: 'production', to: 'archived', actor, reason, at }),
        this.addEvent({ model, version: target, kind: 'rollback', from: previous.stage, to: 'production', actor, reason, at }),
      ];
      return deepFreeze({ version: this.loadVersion(model, target)!, replaced: this.loadVersion(model, current.version)!, events });
    });
  }

  async history(model: string): Promise<StageEvent[]> {
    return this.read('history', () => this.loadEvents(model));
  }

  private holderOf(model: string, stage: ServingStage): ModelVersion | undefined {
    const row = this.db.prepare('SELECT * FROM registry_versions WHERE model = ? AND stage = ?').get(model, stage) as Row | undefined;
    return row && toVersion(row);
  }

  private loadVersion(model: string, version: number): ModelVersion | undefined {
    const row = this.db.prepare('SELECT * FROM registry_versions WHERE model = ? AND version = ?').get(model, version) as Row | undefined;
    return row && toVersion(row);
  }

  private loadEvents(model: string): StageEvent[] {
    return (this.db.prepare('SELECT * FROM registry_events WHERE model = ? ORDER BY id').all(model) as Row[]).map(toEvent);
  }

  private setStage(model: string, version: number, stage: TargetStage): void {
    this.db.prepare('UPDATE registry_versions SET stage = ? WHERE model = ? AND version = ?').run(stage, model, version);
  }

  private addEvent(e: Omit<StageEvent, 'id' | 'forced' | 'gates'> & { forced?: boolean; gates?: readonly GateResult[] }): StageEvent {
    const info = this.db
      .prepare('INSERT INTO registry_events (model, version, kind, from_stage, to_stage, actor, reason, forced, gates, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(e.model, e.version, e.kind, e.from ?? null, e.to, e.actor, e.reason ?? null, e.forced ? 1 : 0, e.gates ? canonicalJson(e.gates) : null, e.at);
    return toEvent(this.db.prepare('SELECT * FROM registry_events WHERE id = ?').get(Number(info.lastInsertRowid)) as Row);
  }

  private missingVersion(model: string, version: number): DeeplineError {
    if (!this.db.prepare('SELECT 1 FROM registry_models WHERE name = ?').get(model)) return this.missingModel(model);
    const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM registry_versions WHERE model = ?').get(model) as { n: number };
    return new DeeplineError('DL_REGISTRY', `${model} has no version ${version} (it has versions 1 to ${n})`, { hint: `\`deepline registry show ${model}\` lists them` });
  }

  private missingModel(model: string): DeeplineError {
    const names = (this.db.prepare('SELECT name FROM registry_models ORDER BY name').all() as Row[]).map((r) => String(r.name));
    return new DeeplineError('DL_REGISTRY', `no model named ${JSON.stringify(model)} in the registry (${this.file})${names.length ? `; registered: ${names.join(', ')}` : ''}`, {
      hint: 'register a run first: deepline registry register <run-id or folder> --name <model>',
    });
  }
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
    forced: Number(row.forced) === 1,
    ...(row.gates !== null && { gates: JSON.parse(String(row.gates)) as GateResult[] }),
    at: String(row.at),
  });
}

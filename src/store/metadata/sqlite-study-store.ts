import { DeeplineError } from '../../errors/index.ts';
import type { Params } from '../../search/space.ts';
import type { IntermediateValue, TrialState } from '../../search/trial.ts';
import { canonicalJson } from '../canonical-json.ts';
import type { RejectReason, StoredTrial, StudyObjective, StudyRecord, StudyStore, TrialOutcome } from './study-store.ts';
import { deepFreeze } from '../deep-freeze.ts';
import { SqliteStore, type SqliteSchema, type SqliteStoreOptions } from './sqlite-store.ts';

/**
 * Study tables, versioned apart from the run tables (`study_schema_version`), so the two table
 * sets can share `.deepline/metadata.db` or live in separate files, and neither's migrations
 * wait on the other's. Entries are never edited once released; a change is a new entry.
 */
const STUDY_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE studies (
    name       TEXT PRIMARY KEY,
    objectives TEXT NOT NULL,
    seed       INTEGER NOT NULL,
    created_at TEXT NOT NULL
  ) WITHOUT ROWID;

  -- values is a JSON array (null stands for NaN); retry_of is UNIQUE so an interrupted trial is
  -- re-run at most once even if two processes resume the study.
  CREATE TABLE study_trials (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    study       TEXT NOT NULL REFERENCES studies (name),
    number      INTEGER NOT NULL,
    params      TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('running', 'complete', 'pruned', 'failed')),
    trial_values TEXT,
    error       TEXT,
    interrupted INTEGER NOT NULL DEFAULT 0,
    retry_of    INTEGER UNIQUE REFERENCES study_trials (id),
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    UNIQUE (study, number)
  );

  CREATE TABLE study_intermediate (
    trial_id    INTEGER NOT NULL REFERENCES study_trials (id),
    step        REAL NOT NULL,
    step_values TEXT NOT NULL,
    PRIMARY KEY (trial_id, step)
  ) WITHOUT ROWID;
  `,
  // Why a trial was rejected, as a field: search decisions must not read message text. Trials
  // rejected before this column existed are recognised once, here, by the text they were given.
  `
  ALTER TABLE study_trials ADD COLUMN rejected_for TEXT CHECK (rejected_for IN ('constraint', 'time'));
  UPDATE study_trials SET rejected_for = CASE
      WHEN error LIKE 'rejected: the search had %' OR error LIKE 'rejected: too slow%' THEN 'time'
      ELSE 'constraint'
    END
    WHERE error LIKE 'rejected:%';
  `,
];

type Row = Record<string, unknown>;

export type SqliteStudyStoreOptions = SqliteStoreOptions;

const STUDY_SCHEMA: SqliteSchema = { label: 'study store', what: 'study schema', versionTable: 'study_schema_version', migrations: STUDY_MIGRATIONS };

/**
 * Studies in one SQLite file (WAL, like the metadata store). Every method is one IMMEDIATE
 * transaction committed before its promise resolves, so a SIGKILL loses at most the call in flight.
 */
export class SqliteStudyStore extends SqliteStore implements StudyStore {
  constructor(file: string, options: SqliteStudyStoreOptions = {}) {
    super(file, STUDY_SCHEMA, options);
  }

  async createStudy(study: { name: string; objectives: readonly StudyObjective[]; seed: number }): Promise<StudyRecord> {
    return this.write('createStudy', () => {
      if (this.db.prepare('SELECT 1 FROM studies WHERE name = ?').get(study.name)) {
        throw new DeeplineError('DL_STORE', `a study named "${study.name}" already exists in ${this.file}`, {
          hint: 'load it with loadStudy to continue it, or choose another name',
        });
      }
      this.db
        .prepare('INSERT INTO studies (name, objectives, seed, created_at) VALUES (?, ?, ?, ?)')
        .run(study.name, JSON.stringify(study.objectives), study.seed, this.stamp());
      return toStudy(this.db.prepare('SELECT * FROM studies WHERE name = ?').get(study.name) as Row);
    });
  }

  async getStudy(name: string): Promise<StudyRecord | undefined> {
    return this.read('getStudy', () => {
      const row = this.db.prepare('SELECT * FROM studies WHERE name = ?').get(name) as Row | undefined;
      return row && toStudy(row);
    });
  }

  async addTrial(study: string, trial: { params: Params; retryOf?: number }): Promise<StoredTrial> {
    return this.write('addTrial', () => {
      if (!this.db.prepare('SELECT 1 FROM studies WHERE name = ?').get(study)) {
        throw new DeeplineError('DL_STORE', `no study named "${study}" in ${this.file}`);
      }
      const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM study_trials WHERE study = ?').get(study) as { n: number };
      const info = this.db
        .prepare(`INSERT INTO study_trials (study, number, params, state, retry_of, started_at) VALUES (?, ?, ?, 'running', ?, ?)`)
        .run(study, n, canonicalJson(trial.params), trial.retryOf ?? null, this.stamp());
      return this.loadTrial(Number(info.lastInsertRowid));
    });
  }

  async updateTrial(id: number, outcome: TrialOutcome): Promise<StoredTrial> {
    return this.write('updateTrial', () => {
      const row = this.db.prepare('SELECT state FROM study_trials WHERE id = ?').get(id) as Row | undefined;
      if (!row) throw trialNotFound(id, this.file);
      // Only running → final: a finished trial is history that samplers have already learnt from.
      if (row.state !== 'running') {
        throw new DeeplineError('DL_STORE', `trial ${id} is already ${String(row.state)} and cannot become ${outcome.state}`);
      }
      this.db
        .prepare('UPDATE study_trials SET state = ?, trial_values = ?, error = ?, interrupted = ?, rejected_for = ?, ended_at = ? WHERE id = ?')
        .run(
          outcome.state,
          outcome.values ? encodeValues(outcome.values) : null,
          outcome.error ?? null,
          outcome.interrupted ? 1 : 0,
          outcome.rejectedFor ?? null,
          this.stamp(),
          id,
        );
      return this.loadTrial(id);
    });
  }

  async appendIntermediate(id: number, step: number, values: readonly number[]): Promise<void> {
    this.write('appendIntermediate', () => {
      const row = this.db.prepare('SELECT state FROM study_trials WHERE id = ?').get(id) as Row | undefined;
      if (!row) throw trialNotFound(id, this.file);
      if (row.state !== 'running') {
        throw new DeeplineError('DL_STORE', `trial ${id} is ${String(row.state)}: only a running trial can report`);
      }
      if (this.db.prepare('SELECT 1 FROM study_intermediate WHERE trial_id = ? AND step = ?').get(id, step)) {
        throw new DeeplineError('DL_STORE', `trial ${id} already reported step ${step}`, { hint: 'report each step once' });
      }
      this.db.prepare('INSERT INTO study_intermediate (trial_id, step, step_values) VALUES (?, ?, ?)').run(id, step, encodeValues(values));
    });
  }

  async listTrials(study: string): Promise<StoredTrial[]> {
    return this.read('listTrials', () => {
      const rows = this.db.prepare('SELECT * FROM study_trials WHERE study = ? ORDER BY number').all(study) as Row[];
      const steps = this.db
        .prepare(
          `SELECT i.* FROM study_intermediate i JOIN study_trials t ON t.id = i.trial_id
           WHERE t.study = ? ORDER BY i.trial_id, i.step`,
        )
        .all(study) as Row[];
      const byTrial = new Map<number, Row[]>();
      for (const s of steps) {
        const id = Number(s.trial_id);
        const list = byTrial.get(id);
        if (list) list.push(s);
        else byTrial.set(id, [s]);
      }
      return rows.map((r) => toTrial(r, byTrial.get(Number(r.id)) ?? []));
    });
  }

  async getTrial(id: number): Promise<StoredTrial | undefined> {
    return this.read('getTrial', () => {
      const row = this.db.prepare('SELECT * FROM study_trials WHERE id = ?').get(id) as Row | undefined;
      if (!row) return undefined;
      const steps = this.db.prepare('SELECT * FROM study_intermediate WHERE trial_id = ? ORDER BY step').all(id) as Row[];
      return toTrial(row, steps);
    });
  }

  private loadTrial(id: number): StoredTrial {
    const row = this.db.prepare('SELECT * FROM study_trials WHERE id = ?').get(id) as Row;
    const steps = this.db.prepare('SELECT * FROM study_intermediate WHERE trial_id = ? ORDER BY step').all(id) as Row[];
    return toTrial(row, steps);
  }
}

function trialNotFound(id: number, file: string): DeeplineError {
  return new DeeplineError('DL_STORE', `no trial with id ${id} in ${file}`);
}

/** JSON cannot hold NaN or ±Infinity; they become null and come back as NaN. */
function encodeValues(values: readonly number[]): string {
  return JSON.stringify(values.map((v) => (Number.isFinite(v) ? v : null)));
}

function decodeValues(text: unknown): number[] {
  return (JSON.parse(String(text)) as (number | null)[]).map((v) => (v === null ? Number.NaN : v));
}


function toStudy(row: Row): StudyRecord {
  return deepFreeze({
    name: String(row.name),
    objectives: JSON.parse(String(row.objectives)) as StudyObjective[],
    seed: Number(row.seed),
    createdAt: String(row.created_at),
  });
}

function toTrial(row: Row, steps: Row[]): StoredTrial {
  const values = row.trial_values === null ? undefined : decodeValues(row.trial_values);
  const intermediate: IntermediateValue[] = steps.map((s) => {
    const v = decodeValues(s.step_values);
    return v.length > 1 ? { step: Number(s.step), value: v[0], values: v } : { step: Number(s.step), value: v[0] };
  });
  return deepFreeze({
    id: Number(row.id),
    study: String(row.study),
    number: Number(row.number),
    params: JSON.parse(String(row.params)) as Params,
    state: row.state as TrialState,
    ...(values ? { value: values[0], values } : {}),
    ...(intermediate.length > 0 ? { intermediate } : {}),
    startedAt: String(row.started_at),
    ...(row.ended_at === null ? {} : { endedAt: String(row.ended_at) }),
    ...(row.error === null ? {} : { error: String(row.error) }),
    ...(row.retry_of === null ? {} : { retryOf: Number(row.retry_of) }),
    ...(row.interrupted ? { interrupted: true as const } : {}),
    ...(row.rejected_for === null || row.rejected_for === undefined ? {} : { rejectedFor: row.rejected_for as RejectReason }),
  });
}

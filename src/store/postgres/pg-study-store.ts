import { DeeplineError } from '../../errors/index.ts';
import type { Params } from '../../search/space.ts';
import type { IntermediateValue, TrialState } from '../../search/trial.ts';
import { canonicalJson } from '../canonical-json.ts';
import { deepFreeze } from '../deep-freeze.ts';
import type { RejectReason, StoredTrial, StudyObjective, StudyRecord, StudyStore, TrialOutcome } from '../metadata/study-store.ts';
import type { PgSchema } from './migrate-postgres.ts';
import type { PgDatabase } from './pg-database.ts';
import { PgStore, type PgStoreOptions, type Row } from './pg-store.ts';

/**
 * Study tables in PostgreSQL, as in SQLite (sqlite-study-store.ts) from its latest version:
 * values are a JSON array (null stands for a non-finite value), `retry_of` is UNIQUE so an
 * interrupted trial is re-run at most once, and (study, number) is UNIQUE as a last guard
 * against two numbers alike. Entries are never edited once released.
 */
const STUDY_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE studies (
    name       TEXT PRIMARY KEY,
    objectives TEXT NOT NULL,
    seed       BIGINT NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE study_trials (
    id           BIGSERIAL PRIMARY KEY,
    study        TEXT NOT NULL REFERENCES studies (name),
    number       INTEGER NOT NULL,
    params       TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('running', 'complete', 'pruned', 'failed')),
    trial_values TEXT,
    error        TEXT,
    interrupted  BOOLEAN NOT NULL DEFAULT false,
    retry_of     BIGINT UNIQUE REFERENCES study_trials (id),
    rejected_for TEXT CHECK (rejected_for IN ('constraint', 'time')),
    started_at   TEXT NOT NULL,
    ended_at     TEXT,
    UNIQUE (study, number)
  );

  CREATE TABLE study_intermediate (
    trial_id    BIGINT NOT NULL REFERENCES study_trials (id),
    step        DOUBLE PRECISION NOT NULL,
    step_values TEXT NOT NULL,
    PRIMARY KEY (trial_id, step)
  );
  `,
  // The next trial number as a counter on the study's row: an UPDATE … RETURNING takes it in the
  // same statement that inserts the trial, so numbering costs one round trip and no count.
  `
  ALTER TABLE studies ADD COLUMN trial_count INTEGER NOT NULL DEFAULT 0;
  UPDATE studies s SET trial_count = (SELECT count(*) FROM study_trials t WHERE t.study = s.name);
  `,
];

const STUDY_SCHEMA: PgSchema = { label: 'study store', component: 'studies', migrations: STUDY_MIGRATIONS };

/**
 * Studies in PostgreSQL, shared by a search driver and its workers on other machines. A trial's
 * number is taken from a counter on the study's row by the statement that inserts the trial, so
 * concurrent `addTrial`s from any number of processes queue on that row and never lose or repeat
 * a number; a trial's transition and its steps are checked by the statements that write them,
 * with the trial's row locked, so of two processes ending one trial one fails. Each method is one
 * statement (hence one snapshot and one round trip on the way that succeeds), committed before its
 * promise resolves: the driver's bookkeeping stays cheap when many workers report at once.
 */
export class PgStudyStore extends PgStore implements StudyStore {
  private constructor(db: PgDatabase, options: PgStoreOptions) {
    super(db, STUDY_SCHEMA, options);
  }

  static async open(db: PgDatabase, options: PgStoreOptions = {}): Promise<PgStudyStore> {
    const store = new PgStudyStore(db, options);
    await store.migrate();
    return store;
  }

  async createStudy(study: { name: string; objectives: readonly StudyObjective[]; seed: number }): Promise<StudyRecord> {
    const inserted = await this.rows(
      'createStudy',
      'INSERT INTO studies (name, objectives, seed, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING *',
      [study.name, JSON.stringify(study.objectives), study.seed, this.stamp()],
    );
    if (inserted.length === 0) {
      throw new DeeplineError('DL_STORE', `a study named "${study.name}" already exists in ${this.location}`, {
        hint: 'load it with loadStudy to continue it, or choose another name',
      });
    }
    return toStudy(inserted[0]);
  }

  async getStudy(name: string): Promise<StudyRecord | undefined> {
    const [row] = await this.rows('getStudy', 'SELECT * FROM studies WHERE name = $1', [name]);
    return row && toStudy(row);
  }

  async addTrial(study: string, trial: { params: Params; retryOf?: number }): Promise<StoredTrial> {
    // One statement: the UPDATE locks the study's row and, should it wait for another addTrial,
    // re-reads the counter once that one commits, so numbers never repeat and none is skipped.
    // A failed insert (a trial re-run twice) rolls the counter back with it.
    const rows = await this.rows(
      'addTrial',
      `WITH taken AS (UPDATE studies SET trial_count = trial_count + 1 WHERE name = $1 RETURNING trial_count - 1 AS number)
       INSERT INTO study_trials (study, number, params, state, retry_of, started_at)
       SELECT $1, taken.number, $2, 'running', $3, $4 FROM taken RETURNING *`,
      [study, canonicalJson(trial.params), trial.retryOf ?? null, this.stamp()],
    ).catch((e: unknown) => {
      if (trial.retryOf !== undefined && (e as DeeplineError).cause && ((e as DeeplineError).cause as { code?: string }).code === '23505') {
        throw new DeeplineError('DL_STORE', `trial ${trial.retryOf} of study "${study}" is already being re-run`, {
          hint: 'another process resumed the study and took that trial',
        });
      }
      throw e;
    });
    if (rows.length === 0) throw new DeeplineError('DL_STORE', `no study named "${study}" in ${this.location}`);
    return toTrial(rows[0], []);
  }

  async updateTrial(id: number, outcome: TrialOutcome): Promise<StoredTrial> {
    // Only running → final, checked by the UPDATE itself: of two processes ending one trial, the
    // second waits for the first and then finds it no longer running.
    const [row] = await this.rows(
      'updateTrial',
      `WITH ended AS (
         UPDATE study_trials SET state = $1, trial_values = $2, error = $3, interrupted = $4, rejected_for = $5, ended_at = $6
         WHERE id = $7 AND state = 'running' RETURNING *)
       SELECT ended.*, ${stepsColumn('ended.id')} AS steps FROM ended`,
      [outcome.state, outcome.values ? encodeValues(outcome.values) : null, outcome.error ?? null, outcome.interrupted === true, outcome.rejectedFor ?? null, this.stamp(), id],
    );
    if (row) return toTrial(row, stepsOf(row));
    const [found] = await this.rows('updateTrial', 'SELECT state FROM study_trials WHERE id = $1', [id]);
    if (!found) throw this.trialNotFound(id);
    // A finished trial is history that samplers have already learnt from.
    throw new DeeplineError('DL_STORE', `trial ${id} is already ${String(found.state)} and cannot become ${outcome.state}`);
  }

  async appendIntermediate(id: number, step: number, values: readonly number[]): Promise<void> {
    // The trial's row is locked for the insert, so a concurrent updateTrial cannot end it in between.
    const inserted = await this.rows(
      'appendIntermediate',
      `WITH live AS (SELECT id FROM study_trials WHERE id = $1 AND state = 'running' FOR UPDATE)
       INSERT INTO study_intermediate (trial_id, step, step_values) SELECT live.id, $2, $3 FROM live
       ON CONFLICT DO NOTHING RETURNING step`,
      [id, step, encodeValues(values)],
    );
    if (inserted.length > 0) return;
    const [row] = await this.rows('appendIntermediate', 'SELECT state FROM study_trials WHERE id = $1', [id]);
    if (!row) throw this.trialNotFound(id);
    if (row.state !== 'running') throw new DeeplineError('DL_STORE', `trial ${id} is ${String(row.state)}: only a running trial can report`);
    throw new DeeplineError('DL_STORE', `trial ${id} already reported step ${step}`, { hint: 'report each step once' });
  }

  async listTrials(study: string): Promise<StoredTrial[]> {
    // One statement, so one snapshot: trials and their steps agree while others write.
    const rows = await this.rows('listTrials', `SELECT t.*, ${stepsColumn('t.id')} AS steps FROM study_trials t WHERE t.study = $1 ORDER BY t.number`, [study]);
    return rows.map((r) => toTrial(r, stepsOf(r)));
  }

  async getTrial(id: number): Promise<StoredTrial | undefined> {
    const [row] = await this.rows('getTrial', `SELECT t.*, ${stepsColumn('t.id')} AS steps FROM study_trials t WHERE t.id = $1`, [id]);
    return row && toTrial(row, stepsOf(row));
  }

  private trialNotFound(id: number): DeeplineError {
    return new DeeplineError('DL_STORE', `no trial with id ${id} in ${this.location}`);
  }
}

/** A trial's intermediate results as one JSON array, in step order (the SQL of a column). */
function stepsColumn(trialId: string): string {
  return `COALESCE((SELECT json_agg(json_build_object('step', i.step, 'step_values', i.step_values) ORDER BY i.step) FROM study_intermediate i WHERE i.trial_id = ${trialId}), '[]'::json)`;
}

function stepsOf(row: Row): Row[] {
  return row.steps as Row[];
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
    ...(row.rejected_for === null ? {} : { rejectedFor: row.rejected_for as RejectReason }),
  });
}

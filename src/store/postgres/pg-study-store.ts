import { DeeplineError } from '../../errors/index.ts';
import type { Params } from '../../search/space.ts';
import type { IntermediateValue, TrialState } from '../../search/trial.ts';
import { canonicalJson } from '../canonical-json.ts';
import { deepFreeze } from '../deep-freeze.ts';
import type { RejectReason, StoredTrial, StudyObjective, StudyRecord, StudyStore, TrialOutcome } from '../metadata/study-store.ts';
import type { PgSchema } from './migrate-postgres.ts';
import type { PgClient, PgDatabase } from './pg-database.ts';
import { PgStore, rowsOf, type PgStoreOptions, type Row } from './pg-store.ts';

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
];

const STUDY_SCHEMA: PgSchema = { label: 'study store', component: 'studies', migrations: STUDY_MIGRATIONS };

/**
 * Studies in PostgreSQL, shared by a search driver and its workers on other machines. A trial's
 * number is taken with the study's row locked (`FOR UPDATE`), so concurrent `addTrial`s from any
 * number of processes queue on that row and never lose or repeat a number; a trial's transition
 * and its steps are checked with the trial's row locked, so of two processes ending one trial
 * one fails. Each method is one transaction, committed before its promise resolves.
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
    return this.write('addTrial', async (c) => {
      if ((await rowsOf(c, 'SELECT 1 FROM studies WHERE name = $1 FOR UPDATE', [study])).length === 0) {
        throw new DeeplineError('DL_STORE', `no study named "${study}" in ${this.location}`);
      }
      if (trial.retryOf !== undefined && (await rowsOf(c, 'SELECT 1 FROM study_trials WHERE retry_of = $1', [trial.retryOf])).length > 0) {
        throw new DeeplineError('DL_STORE', `trial ${trial.retryOf} of study "${study}" is already being re-run`, {
          hint: 'another process resumed the study and took that trial',
        });
      }
      const [{ n }] = await rowsOf(c, 'SELECT count(*)::int AS n FROM study_trials WHERE study = $1', [study]);
      const [row] = await rowsOf(
        c,
        `INSERT INTO study_trials (study, number, params, state, retry_of, started_at) VALUES ($1, $2, $3, 'running', $4, $5) RETURNING id`,
        [study, n, canonicalJson(trial.params), trial.retryOf ?? null, this.stamp()],
      );
      return loadTrial(c, Number(row.id));
    });
  }

  async updateTrial(id: number, outcome: TrialOutcome): Promise<StoredTrial> {
    return this.write('updateTrial', async (c) => {
      const [row] = await rowsOf(c, 'SELECT state FROM study_trials WHERE id = $1 FOR UPDATE', [id]);
      if (!row) throw this.trialNotFound(id);
      // Only running → final: a finished trial is history that samplers have already learnt from.
      if (row.state !== 'running') {
        throw new DeeplineError('DL_STORE', `trial ${id} is already ${String(row.state)} and cannot become ${outcome.state}`);
      }
      await c.query('UPDATE study_trials SET state = $1, trial_values = $2, error = $3, interrupted = $4, rejected_for = $5, ended_at = $6 WHERE id = $7', [
        outcome.state,
        outcome.values ? encodeValues(outcome.values) : null,
        outcome.error ?? null,
        outcome.interrupted === true,
        outcome.rejectedFor ?? null,
        this.stamp(),
        id,
      ]);
      return loadTrial(c, id);
    });
  }

  async appendIntermediate(id: number, step: number, values: readonly number[]): Promise<void> {
    await this.write('appendIntermediate', async (c) => {
      const [row] = await rowsOf(c, 'SELECT state FROM study_trials WHERE id = $1 FOR UPDATE', [id]);
      if (!row) throw this.trialNotFound(id);
      if (row.state !== 'running') {
        throw new DeeplineError('DL_STORE', `trial ${id} is ${String(row.state)}: only a running trial can report`);
      }
      const inserted = await rowsOf(c, 'INSERT INTO study_intermediate (trial_id, step, step_values) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING step', [
        id,
        step,
        encodeValues(values),
      ]);
      if (inserted.length === 0) throw new DeeplineError('DL_STORE', `trial ${id} already reported step ${step}`, { hint: 'report each step once' });
    });
  }

  async listTrials(study: string): Promise<StoredTrial[]> {
    return this.write('listTrials', async (c) => {
      await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const rows = await rowsOf(c, 'SELECT * FROM study_trials WHERE study = $1 ORDER BY number', [study]);
      const steps = await rowsOf(
        c,
        'SELECT i.* FROM study_intermediate i JOIN study_trials t ON t.id = i.trial_id WHERE t.study = $1 ORDER BY i.trial_id, i.step',
        [study],
      );
      const byTrial = new Map<number, Row[]>();
      for (const s of steps) {
        const tid = Number(s.trial_id);
        const list = byTrial.get(tid);
        if (list) list.push(s);
        else byTrial.set(tid, [s]);
      }
      return rows.map((r) => toTrial(r, byTrial.get(Number(r.id)) ?? []));
    });
  }

  private trialNotFound(id: number): DeeplineError {
    return new DeeplineError('DL_STORE', `no trial with id ${id} in ${this.location}`);
  }
}

async function loadTrial(c: PgClient, id: number): Promise<StoredTrial> {
  const [row] = await rowsOf(c, 'SELECT * FROM study_trials WHERE id = $1', [id]);
  const steps = await rowsOf(c, 'SELECT * FROM study_intermediate WHERE trial_id = $1 ORDER BY step', [id]);
  return toTrial(row, steps);
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

import { hostname } from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { DeeplineError } from '../../errors/index.ts';
import type { RunRecord } from '../metadata/metadata-store.ts';
import type { HeldRunLock, RunLockService } from '../run-lock-service.ts';
import type { LiveRunStatus } from '../run-locks.ts';
import type { PgSchema } from './migrate-postgres.ts';
import { advisoryKey, type PgDatabase } from './pg-database.ts';
import { PgStore, type PgStoreOptions } from './pg-store.ts';

/** Who holds (or last held) each lock, for messages. Entries are never edited once released. */
const LOCK_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE run_lock_holders (
    name   TEXT PRIMARY KEY,
    pid    INTEGER NOT NULL,
    host   TEXT NOT NULL,
    run_id TEXT NOT NULL,
    since  TEXT NOT NULL
  );
  `,
];

const LOCK_SCHEMA: PgSchema = { label: 'run locks', component: 'locks', migrations: LOCK_MIGRATIONS };

/**
 * Run locks across machines: a session-level PostgreSQL advisory lock per run (and per output
 * folder of a machine), held on a connection of its own for as long as the run writes. The
 * server releases it when that connection ends, so a killed process (or a machine that dies)
 * frees the run for the next `deepline run`, which resumes it; there is no stale-lock guessing.
 * The holder's pid, host and run are written to `run_lock_holders` for the DL_RUN_LOCKED message.
 */
export class PgRunLocks extends PgStore implements RunLockService {
  private constructor(db: PgDatabase, options: PgStoreOptions) {
    super(db, LOCK_SCHEMA, options);
  }

  static async open(db: PgDatabase, options: PgStoreOptions = {}): Promise<PgRunLocks> {
    const locks = new PgRunLocks(db, options);
    await locks.migrate();
    return locks;
  }

  async lockOutput(outputDir: string): Promise<HeldRunLock> {
    // A folder path names a folder of one machine: another machine's folder of that path is another folder.
    return this.take(`output:${hostname()}:${path.resolve(outputDir)}`, '', `publishing to ${path.resolve(outputDir)}`);
  }

  async lockRun(runId: string): Promise<HeldRunLock> {
    return this.take(`run:${runId}`, runId);
  }

  async isLive(runId: string): Promise<boolean> {
    const key = BigInt(this.key(`run:${runId}`));
    const unsigned = BigInt.asUintN(64, key);
    // pg_locks shows a bigint advisory key as two 32-bit halves (classid, objid) with objsubid 1.
    const rows = await this.rows(
      'isLive',
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND classid = $1::bigint::oid AND objid = $2::bigint::oid`,
      [(unsigned >> 32n).toString(), (unsigned & 0xffffffffn).toString()],
    );
    return rows.length > 0;
  }

  async status(run: Pick<RunRecord, 'id' | 'status'>): Promise<LiveRunStatus> {
    return run.status === 'running' && !(await this.isLive(run.id)) ? 'interrupted' : run.status;
  }

  /** Advisory keys are per database: the schema is part of the name, so two schemas never share a lock. */
  private key(name: string): string {
    return advisoryKey(`deepline-lock:${this.db.url.schema}:${name}`);
  }

  private async take(name: string, runId: string, doing?: string): Promise<HeldRunLock> {
    const client = new pg.Client({ connectionString: this.db.url.connectionString, connectionTimeoutMillis: 10_000 });
    // A dropped connection has released the lock; the run goes on, and the next writer finds it free.
    client.on('error', () => undefined);
    const key = this.key(name);
    try {
      await client.connect();
      const [{ locked }] = (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [key])).rows;
      if (!locked) {
        await client.end();
        return await this.refuse(name, doing, runId);
      }
    } catch (e) {
      await client.end().catch(() => undefined);
      throw this.fail('take a lock', e);
    }
    const since = new Date().toISOString();
    const describe = async (id: string): Promise<void> => {
      await this.rows(
        'record the lock holder',
        `INSERT INTO run_lock_holders (name, pid, host, run_id, since) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE SET pid = EXCLUDED.pid, host = EXCLUDED.host, run_id = EXCLUDED.run_id, since = EXCLUDED.since`,
        [name, process.pid, hostname(), id, since],
      );
    };
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      // Ending the session releases its advisory locks.
      await client.end().catch(() => undefined);
    };
    try {
      await describe(runId);
    } catch (e) {
      await release();
      throw e;
    }
    return Object.freeze({ describe, release });
  }

  private async refuse(name: string, doing: string | undefined, runId: string): Promise<never> {
    const [holder] = await this.rows('read the lock holder', 'SELECT pid, host, run_id FROM run_lock_holders WHERE name = $1', [name]);
    const id = (holder && String(holder.run_id)) || runId;
    const who = holder ? ` (pid ${String(holder.pid)}${holder.host === hostname() ? '' : ` on ${String(holder.host)}`})` : '';
    const what = id ? `run ${id} is in progress${who}` : `another deepline run is in progress${who}`;
    throw new DeeplineError('DL_RUN_LOCKED', doing ? `${what}, ${doing}` : what, {
      hint: `wait for it to finish${holder ? `, or stop it (kill ${String(holder.pid)}${holder.host === hostname() ? '' : ` on ${String(holder.host)}`})` : ''}; nothing was changed. A run whose process has ended is taken over by the next \`deepline run\`, which resumes it`,
    });
  }
}

import { createHash } from 'node:crypto';
import pg from 'pg';
import { DeeplineError } from '../../errors/index.ts';
import { parseStoreUrl, type StoreUrl } from './store-url.ts';

/** One client inside a transaction: what `PgDatabase.transaction` hands its callback. */
export type PgClient = pg.PoolClient;

/**
 * A PostgreSQL database (one schema of it) shared by the stores that open it: a connection pool
 * whose connections all use the schema, transactions with retry on serialization failures, and
 * driver errors turned into DL_STORE errors that name the store and the server (never the
 * password). `close` ends the pool; stores handed a shared database leave that to its owner.
 */
export class PgDatabase {
  readonly url: StoreUrl;
  readonly pool: pg.Pool;
  private closed = false;

  private constructor(url: StoreUrl, pool: pg.Pool) {
    this.url = url;
    this.pool = pool;
  }

  /** Opens a pool on `url` (`postgres://user@host:port/db?schema=name`); the schema is created on first migration. */
  static open(url: string | StoreUrl, options: { max?: number } = {}): PgDatabase {
    const parsed = typeof url === 'string' ? parseStoreUrl(url, 'store URL') : url;
    const pool = new pg.Pool({
      connectionString: parsed.connectionString,
      max: options.max ?? 4,
      // Every connection reads and writes the one schema: tables are named without it.
      options: `-c search_path=${quoteIdent(parsed.schema)}`,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 5_000,
      allowExitOnIdle: true,
    });
    // An idle connection that the server drops must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    return new PgDatabase(parsed, pool);
  }

  /** The schema's tables are named in: `"schema"`. */
  get schemaIdent(): string {
    return quoteIdent(this.url.schema);
  }

  async query<R extends pg.QueryResultRow = Record<string, unknown>>(label: string, what: string, text: string, values: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(text, values)).rows;
    } catch (e) {
      throw this.error(label, what, e);
    }
  }

  /**
   * Runs `fn` in one transaction (READ COMMITTED unless `serializable`), committed before it
   * resolves. A serialization failure or deadlock is retried a few times: the callback must
   * therefore only touch the database.
   */
  async transaction<T>(label: string, what: string, fn: (client: PgClient) => Promise<T>, options: { serializable?: boolean } = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (e) {
        throw this.error(label, what, e);
      }
      try {
        await client.query(options.serializable ? 'BEGIN ISOLATION LEVEL SERIALIZABLE' : 'BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
        const code = (e as { code?: string }).code;
        if ((code === '40001' || code === '40P01') && attempt < 20) continue;
        throw this.error(label, what, e);
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /** A driver failure as the DL_STORE error users see; DeeplineErrors pass through. */
  error(label: string, what: string, e: unknown): DeeplineError {
    if (e instanceof DeeplineError) return e;
    const code = (e as { code?: string }).code;
    const where = this.url.display;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ETIMEDOUT' || /timeout|terminated/i.test((e as Error).message ?? '')) {
      return new DeeplineError('DL_STORE', `${label} at ${where}: ${what} could not reach PostgreSQL (${code ?? (e as Error).message})`, {
        hint: 'start PostgreSQL or fix the URL given by --store, the task file\'s `store:` or DEEPLINE_STORE_URL',
        cause: e,
      });
    }
    if (code === '3D000' || code === '28000' || code === '28P01') {
      return new DeeplineError('DL_STORE', `${label} at ${where}: ${what} was refused: ${(e as Error).message}`, {
        hint: 'create that database, or give a user and database the server accepts in the store URL',
        cause: e,
      });
    }
    return new DeeplineError('DL_STORE', `${label} at ${where}: ${what} failed: ${(e as Error).message}`, {
      hint: 'check that the server is up and the user may create tables in the schema',
      cause: e,
    });
  }
}

/** A PostgreSQL identifier, quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A 64-bit advisory-lock key for `name` (first 8 bytes of its sha256, as a signed decimal string). */
export function advisoryKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

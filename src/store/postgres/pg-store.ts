import type { DeeplineError } from '../../errors/index.ts';
import { migratePostgres, postgresSchemaVersion, type PgSchema } from './migrate-postgres.ts';
import type { PgClient, PgDatabase } from './pg-database.ts';

export interface PgStoreOptions {
  /** Clock for timestamps; tests pass a fake one. */
  readonly now?: () => Date;
  /** Whether `close` ends the database's pool (a store opened alone) or leaves it to its owner (shared). */
  readonly ownsDatabase?: boolean;
}

export type Row = Record<string, unknown>;

/**
 * What every PostgreSQL store shares: its tables migrated before first use (see
 * `migratePostgres`), every method one statement or one transaction committed before it
 * resolves, and driver errors as DL_STORE errors naming the store and the server. Timestamps are
 * ISO-8601 text from the store's clock, as in the SQLite stores, so both return equal records.
 */
export abstract class PgStore {
  protected readonly db: PgDatabase;
  private readonly schema: PgSchema;
  private readonly now: () => Date;
  private readonly owns: boolean;
  private migrated: Promise<void> | undefined;

  protected constructor(db: PgDatabase, schema: PgSchema, options: PgStoreOptions = {}) {
    this.db = db;
    this.schema = schema;
    this.now = options.now ?? (() => new Date());
    this.owns = options.ownsDatabase === true;
  }

  /**
   * Creates or upgrades the store's tables, once: the static `open` of each store awaits it, and
   * every query waits for it, so a store made without `open` migrates on its first call. A failed
   * migration is tried again by the next call.
   */
  protected async migrate(): Promise<void> {
    this.migrated ??= migratePostgres(this.db, this.schema).then(
      () => undefined,
      (e: unknown) => {
        this.migrated = undefined;
        throw e;
      },
    );
    return this.migrated;
  }

  /** Schema version of the store's tables (the number of migrations applied). */
  async schemaVersion(): Promise<number> {
    return postgresSchemaVersion(this.db, this.schema.component);
  }

  /** Where the store lives, for messages: the URL without its password. */
  get location(): string {
    return this.db.url.display;
  }

  async close(): Promise<void> {
    if (this.owns) await this.db.close();
  }

  protected stamp(): string {
    return this.now().toISOString();
  }

  protected async rows(what: string, text: string, values: unknown[] = []): Promise<Row[]> {
    await this.migrate();
    return this.db.query<Row>(this.schema.label, what, text, values);
  }

  protected async write<T>(what: string, fn: (client: PgClient) => Promise<T>, options: { serializable?: boolean } = {}): Promise<T> {
    await this.migrate();
    return this.db.transaction(this.schema.label, what, fn, options);
  }

  protected fail(what: string, e: unknown): DeeplineError {
    return this.db.error(this.schema.label, what, e);
  }
}

/** Rows of a query inside a transaction. */
export async function rowsOf(client: PgClient, text: string, values: unknown[] = []): Promise<Row[]> {
  return (await client.query<Row>(text, values)).rows;
}

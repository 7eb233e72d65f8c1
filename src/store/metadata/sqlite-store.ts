import * as path from 'node:path';
import type Database from 'better-sqlite3';
import type { DeeplineError } from '../../errors/index.ts';
import { migrateSqlite, sqliteSchemaVersion } from './migrate-sqlite.ts';
import { openSqliteDatabase } from './open-sqlite-database.ts';
import { inTransaction, storeError } from './sqlite-transaction.ts';

export interface SqliteStoreOptions {
  /** Clock for timestamps; tests pass a fake one. */
  now?: () => Date;
  /** How long a write waits for another process holding the lock (ms). */
  busyTimeoutMs?: number;
}

/** What a store keeps in its SQLite file: its own tables, versioned by their own migrations. */
export interface SqliteSchema {
  /** How errors name the store: `metadata store`, `study store`. */
  readonly label: string;
  /** How migration errors name the tables: `schema`, `study schema`. */
  readonly what: string;
  readonly versionTable: string;
  readonly migrations: readonly string[];
}

/**
 * What every embedded SQLite store shares: the file opened in WAL mode, its schema migrated on
 * open, and every method run as one transaction whose errors become `DL_STORE` errors naming the
 * file. Writes take the lock at once (IMMEDIATE) so two processes never deadlock on an upgrade.
 */
export abstract class SqliteStore {
  readonly file: string;
  protected readonly db: Database.Database;
  private readonly now: () => Date;
  private readonly schema: SqliteSchema;

  protected constructor(file: string, schema: SqliteSchema, options: SqliteStoreOptions = {}) {
    this.file = file === ':memory:' ? file : path.resolve(file);
    this.schema = schema;
    this.now = options.now ?? (() => new Date());
    try {
      this.db = openSqliteDatabase(this.file, options.busyTimeoutMs);
    } catch (e) {
      throw this.wrap('open', e);
    }
    try {
      migrateSqlite(this.db, { file: this.file, versionTable: schema.versionTable, migrations: schema.migrations, what: schema.what });
    } catch (e) {
      this.db.close();
      throw this.wrap('migrate', e);
    }
  }

  /** Schema version of the open database (the number of migrations applied). */
  get schemaVersion(): number {
    return sqliteSchemaVersion(this.db, this.schema.versionTable);
  }

  /**
   * SQLite's `data_version`: it changes when another connection — in this process or another —
   * commits to the file, whichever tables it wrote. One pragma, no table read.
   */
  async changeCounter(): Promise<number> {
    return Number(this.db.pragma('data_version', { simple: true }));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** The current time as stored: ISO-8601. */
  protected stamp(): string {
    return this.now().toISOString();
  }

  protected write<T>(what: string, fn: () => T): T {
    return inTransaction(this.db, 'immediate', (e) => this.wrap(what, e), fn);
  }

  protected read<T>(what: string, fn: () => T): T {
    return inTransaction(this.db, 'deferred', (e) => this.wrap(what, e), fn);
  }

  private wrap(what: string, e: unknown): DeeplineError {
    return storeError(this.schema.label, this.file, what, e);
  }
}

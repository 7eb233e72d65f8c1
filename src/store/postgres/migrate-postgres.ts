import { DeeplineError } from '../../errors/index.ts';
import { advisoryKey, type PgDatabase } from './pg-database.ts';

/** One store's tables in PostgreSQL: its name in `deepline_migrations` and its migrations in order. */
export interface PgSchema {
  /** How errors name the store: `metadata store`, `study store`. */
  readonly label: string;
  /** The store's rows in `deepline_migrations`: `metadata`, `studies`, `registry`, `artifacts`. */
  readonly component: string;
  /** SQL per version; never edited once released (a change is a new entry). */
  readonly migrations: readonly string[];
}

/**
 * Brings one store's tables in the database's schema up to date. `deepline_migrations` holds one
 * row per applied (component, version); the missing ones run in order, all in one transaction
 * that first takes a transaction-scoped advisory lock on the schema, so processes opening a fresh
 * database at once wait for each other instead of both creating the tables. Running it again
 * applies nothing (idempotent). A schema migrated by a newer deepline is refused with DL_STORE.
 * Returns the version now applied.
 */
export async function migratePostgres(db: PgDatabase, schema: PgSchema): Promise<number> {
  return db.transaction(schema.label, 'migrate', async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [advisoryKey(`deepline-migrations:${db.url.schema}`)]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${db.schemaIdent}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${db.schemaIdent}.deepline_migrations (
         component  TEXT NOT NULL,
         version    INTEGER NOT NULL,
         applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
         PRIMARY KEY (component, version)
       )`,
    );
    const { rows } = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${db.schemaIdent}.deepline_migrations WHERE component = $1`, [schema.component]);
    const current = rows[0]?.v ?? 0;
    if (current > schema.migrations.length) {
      throw new DeeplineError('DL_STORE', `${schema.label} at ${db.url.display} has schema version ${current}, newer than this deepline (${schema.migrations.length})`, {
        hint: 'upgrade deepline to use this database',
      });
    }
    for (let v = current; v < schema.migrations.length; v++) {
      await client.query(`SET LOCAL search_path TO ${db.schemaIdent}`);
      await client.query(schema.migrations[v]);
      await client.query(`INSERT INTO ${db.schemaIdent}.deepline_migrations (component, version) VALUES ($1, $2)`, [schema.component, v + 1]);
    }
    return schema.migrations.length;
  });
}

/** The version of `component` applied in the database (0 before the first). */
export async function postgresSchemaVersion(db: PgDatabase, component: string): Promise<number> {
  const rows = await db.query<{ v: number | null }>('store', 'read the schema version', `SELECT max(version) AS v FROM ${db.schemaIdent}.deepline_migrations WHERE component = $1`, [component]);
  return rows[0]?.v ?? 0;
}

import type Database from 'better-sqlite3';
import { DeeplineError } from '../../errors/index.ts';

/**
 * Brings a store's tables up to date: `versionTable` holds how many of `migrations` were applied,
 * and the missing ones run in order. One IMMEDIATE transaction takes the write lock first, so two
 * processes opening a new file at once cannot both apply the same migration. A file written by a
 * newer deepline (more migrations than this one knows) is refused with DL_STORE.
 */
export function migrateSqlite(db: Database.Database, options: { file: string; versionTable: string; migrations: readonly string[]; what: string }): void {
  const { file, versionTable, migrations, what } = options;
  db.exec(`CREATE TABLE IF NOT EXISTS ${versionTable} (version INTEGER NOT NULL)`);
  db.transaction(() => {
    if (!db.prepare(`SELECT 1 FROM ${versionTable}`).get()) db.prepare(`INSERT INTO ${versionTable} VALUES (0)`).run();
    const current = sqliteSchemaVersion(db, versionTable);
    if (current > migrations.length) {
      throw new DeeplineError('DL_STORE', `${file} has ${what} version ${current}, newer than this deepline (${migrations.length})`, {
        hint: 'upgrade deepline to read this project',
      });
    }
    for (let v = current; v < migrations.length; v++) {
      db.exec(migrations[v]);
      db.prepare(`UPDATE ${versionTable} SET version = ?`).run(v + 1);
    }
  }).immediate();
}

/** How many migrations `versionTable` says were applied (0 before the first). */
export function sqliteSchemaVersion(db: Database.Database, versionTable: string): number {
  const row = db.prepare(`SELECT version FROM ${versionTable}`).get() as { version: number } | undefined;
  return row ? Number(row.version) : 0;
}

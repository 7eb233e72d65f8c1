import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Opens (creating its folder) a SQLite file the way every deepline store uses it: WAL so readers
 * never block the writer, NORMAL sync (a power cut may drop the last commits, never corrupt),
 * foreign keys on, and a busy timeout for other processes' write locks.
 */
export function openSqliteDatabase(file: string, busyTimeoutMs = 5000): Database.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  return db;
}

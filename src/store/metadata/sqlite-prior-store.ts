import { canonicalJson } from '../canonical-json.ts';
import { deepFreeze } from '../deep-freeze.ts';
import type { PriorConfig, PriorTask, TaskMetaFeatures } from '../formats/prior-task.ts';
import { checkPriorTask } from './check-prior-task.ts';
import type { NewPriorTask, PriorStore } from './prior-store.ts';
import { SqliteStore, type SqliteSchema, type SqliteStoreOptions } from './sqlite-store.ts';

/**
 * Prior tables, versioned apart from the run, study and registry tables (`prior_schema_version`),
 * so they share `.deepline/metadata.db`. Entries are never edited once released.
 */
const PRIOR_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE prior_tasks (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL UNIQUE,
    label         TEXT NOT NULL,
    family        TEXT NOT NULL,
    meta_features TEXT NOT NULL,
    error_name    TEXT NOT NULL,
    configs       TEXT NOT NULL,
    created_at    TEXT NOT NULL
  );
  `,
];

const PRIOR_SCHEMA: SqliteSchema = { label: 'prior store', what: 'prior schema', versionTable: 'prior_schema_version', migrations: PRIOR_MIGRATIONS };

type Row = Record<string, unknown>;

/** Past tasks in one SQLite file (WAL); each method is one transaction. */
export class SqlitePriorStore extends SqliteStore implements PriorStore {
  constructor(file: string, options: SqliteStoreOptions = {}) {
    super(file, PRIOR_SCHEMA, options);
  }

  async put(task: NewPriorTask): Promise<PriorTask> {
    checkPriorTask(task, `prior task "${task.name}"`);
    return this.write('put', () => {
      const values = [task.label, task.family, canonicalJson(task.metaFeatures), task.errorName, JSON.stringify(task.configs), this.stamp()];
      const existing = this.db.prepare('SELECT seq FROM prior_tasks WHERE name = ?').get(task.name) as Row | undefined;
      if (existing) {
        this.db.prepare('UPDATE prior_tasks SET label = ?, family = ?, meta_features = ?, error_name = ?, configs = ?, created_at = ? WHERE name = ?').run(...values, task.name);
      } else {
        this.db.prepare('INSERT INTO prior_tasks (name, label, family, meta_features, error_name, configs, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(task.name, ...values);
      }
      return toTask(this.db.prepare('SELECT * FROM prior_tasks WHERE name = ?').get(task.name) as Row);
    });
  }

  async get(name: string): Promise<PriorTask | undefined> {
    return this.read('get', () => {
      const row = this.db.prepare('SELECT * FROM prior_tasks WHERE name = ?').get(name) as Row | undefined;
      return row && toTask(row);
    });
  }

  async list(): Promise<PriorTask[]> {
    return this.read('list', () => (this.db.prepare('SELECT * FROM prior_tasks ORDER BY seq').all() as Row[]).map(toTask));
  }

  async remove(name: string): Promise<boolean> {
    return this.write('remove', () => this.db.prepare('DELETE FROM prior_tasks WHERE name = ?').run(name).changes > 0);
  }
}

function toTask(row: Row): PriorTask {
  return deepFreeze({
    name: String(row.name),
    label: String(row.label),
    family: String(row.family),
    metaFeatures: JSON.parse(String(row.meta_features)) as TaskMetaFeatures,
    errorName: String(row.error_name),
    configs: JSON.parse(String(row.configs)) as PriorConfig[],
    createdAt: String(row.created_at),
  });
}

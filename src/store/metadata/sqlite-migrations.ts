/**
 * Schema of the SQLite metadata store, one entry per version. Entries are never edited once
 * released: a change is a new entry, so every existing `.deepline/metadata.db` upgrades in place.
 * `SqliteMetadataStore` applies the missing ones in order, each in its own transaction.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  // 1: runs, steps, params, metrics, artifacts, lineage.
  `
  CREATE TABLE runs (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    task_type  TEXT NOT NULL,
    task_file  TEXT NOT NULL,
    spec       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    started_at TEXT NOT NULL,
    ended_at   TEXT,
    error      TEXT
  );
  CREATE INDEX runs_by_start ON runs (started_at);

  CREATE TABLE steps (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id      TEXT NOT NULL REFERENCES runs (id),
    name        TEXT NOT NULL,
    version     TEXT NOT NULL,
    cache_key   TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('running', 'completed', 'cached', 'failed')),
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    duration_ms INTEGER,
    params      TEXT NOT NULL,
    outputs     TEXT NOT NULL DEFAULT '{}',
    error       TEXT
  );
  CREATE INDEX steps_by_run ON steps (run_id);
  CREATE INDEX steps_by_cache_key ON steps (cache_key, status);

  CREATE TABLE params (
    run_id TEXT NOT NULL REFERENCES runs (id),
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
  ) WITHOUT ROWID;

  -- value is NULL only for NaN, which SQLite cannot store as a REAL.
  CREATE TABLE metrics (
    id        INTEGER PRIMARY KEY,
    run_id    TEXT NOT NULL REFERENCES runs (id),
    step_name TEXT NOT NULL,
    key       TEXT NOT NULL,
    value     REAL,
    step      INTEGER,
    epoch     INTEGER,
    at        TEXT NOT NULL
  );
  CREATE INDEX metrics_by_run ON metrics (run_id, key);

  CREATE TABLE artifacts (
    hash       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('json', 'file', 'dir')),
    size       INTEGER NOT NULL,
    uri        TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE lineage (
    id            INTEGER PRIMARY KEY,
    run_id        TEXT NOT NULL REFERENCES runs (id),
    step_id       INTEGER NOT NULL REFERENCES steps (id),
    artifact_hash TEXT NOT NULL REFERENCES artifacts (hash),
    name          TEXT NOT NULL,
    direction     TEXT NOT NULL CHECK (direction IN ('input', 'output')),
    UNIQUE (step_id, direction, name)
  );
  CREATE INDEX lineage_by_run ON lineage (run_id);
  CREATE INDEX lineage_by_artifact ON lineage (artifact_hash);
  `,
];

import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { DeeplineError } from '../errors/index.ts';

/** Who holds (or last held) a lock, as its holder wrote it down. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** The run the holder is working on. */
  readonly runId: string;
  /** ISO time the lock was taken. */
  readonly since: string;
}

/** How long an acquire waits out a brief hold (another process checking whether a run is live). */
const ACQUIRE_WAIT_MS = 1000;
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/;

/**
 * Every lock held by this process. A holder that drops its reference must not lose the lock:
 * the garbage collector would finalize the SQLite handle and so release the file lock while the
 * run is still writing (seen when a holder kept the lock only in a module-level constant).
 */
const held = new Set<WorkspaceLock>();

/**
 * A named lock under `<home>/locks/`, held by one process while it writes a run.
 *
 * It is an exclusive SQLite transaction kept open on an empty file `<name>.lock`: the kernel
 * releases that file lock when the process ends however it ends (`kill -9` included), so a dead
 * holder never blocks anyone and there is no stale-lock guessing from pids (which get reused) or
 * heartbeats (which a long synchronous kernel would miss). The holder's pid, host and run are
 * written beside it in `<name>.json`, for messages. Lock files are kept after release: deleting
 * one while another process waits on it would let two processes hold "the same" lock.
 */
export class WorkspaceLock {
  readonly name: string;
  private readonly infoFile: string;
  private readonly since = new Date().toISOString();
  private db: Database.Database | undefined;

  private constructor(name: string, infoFile: string, db: Database.Database) {
    this.name = name;
    this.infoFile = infoFile;
    this.db = db;
  }

  /** Takes the lock `name` for `runId`, or returns undefined when another process (or handle) holds it. */
  static tryAcquire(home: string, name: string, runId: string): WorkspaceLock | undefined {
    const { lockFile, infoFile } = files(home, name);
    let db: Database.Database | undefined;
    try {
      mkdirSync(path.dirname(lockFile), { recursive: true });
      db = new Database(lockFile, { timeout: ACQUIRE_WAIT_MS });
      // Nothing is ever written: no journal file beside the lock.
      db.pragma('journal_mode = MEMORY');
      db.exec('BEGIN EXCLUSIVE');
    } catch (e) {
      db?.close();
      if (isBusy(e)) return undefined;
      throw lockError(lockFile, e);
    }
    const lock = new WorkspaceLock(name, infoFile, db);
    held.add(lock);
    lock.describe(runId);
    return lock;
  }

  /** Whether some live process holds the lock now. Never creates the lock file. */
  static isHeld(home: string, name: string): boolean {
    const { lockFile } = files(home, name);
    // No lock file: nothing ever took this lock.
    if (!existsSync(lockFile)) return false;
    let db: Database.Database | undefined;
    try {
      db = new Database(lockFile, { timeout: 0, fileMustExist: true });
      db.exec('BEGIN EXCLUSIVE');
      db.exec('ROLLBACK');
      return false;
    } catch (e) {
      if (isBusy(e)) return true;
      throw lockError(lockFile, e);
    } finally {
      db?.close();
    }
  }

  /** What the latest holder wrote down (the live one when `isHeld`), or undefined. */
  static lastHolder(home: string, name: string): LockHolder | undefined {
    try {
      const raw = JSON.parse(readFileSync(files(home, name).infoFile, 'utf8')) as Partial<LockHolder>;
      if (typeof raw.pid !== 'number' || typeof raw.host !== 'string' || typeof raw.runId !== 'string' || typeof raw.since !== 'string') return undefined;
      return { pid: raw.pid, host: raw.host, runId: raw.runId, since: raw.since };
    } catch {
      return undefined;
    }
  }

  /** Records the run this holder works on (a lock may be taken before the run is chosen). */
  describe(runId: string): void {
    const holder: LockHolder = { pid: process.pid, host: hostname(), runId, since: this.since };
    const tmp = `${this.infoFile}.${process.pid}-${randomUUID()}.tmp`;
    try {
      writeFileSync(tmp, `${JSON.stringify(holder)}\n`);
      renameSync(tmp, this.infoFile);
    } catch (e) {
      rmSync(tmp, { force: true });
      this.release();
      throw lockError(this.infoFile, e);
    }
  }

  /** Releases the lock; safe to call more than once. */
  release(): void {
    const db = this.db;
    this.db = undefined;
    held.delete(this);
    if (!db) return;
    try {
      db.exec('ROLLBACK');
    } finally {
      db.close();
    }
  }
}

/**
 * The file-safe form of a lock name: kept when it is plain (run ids), else a hash, so any
 * string (an output folder's path) can name a lock.
 */
function files(home: string, name: string): { lockFile: string; infoFile: string } {
  const safe = SAFE_NAME.test(name) ? name : createHash('sha256').update(name).digest('hex').slice(0, 32);
  const dir = path.join(path.resolve(home), 'locks');
  return { lockFile: path.join(dir, `${safe}.lock`), infoFile: path.join(dir, `${safe}.json`) };
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

function lockError(file: string, e: unknown): DeeplineError {
  return new DeeplineError('DL_STORE', `cannot use the lock file ${file}: ${(e as Error).message}`, {
    hint: 'check disk space and permissions of .deepline/',
    cause: e,
  });
}

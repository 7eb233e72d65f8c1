import type Database from 'better-sqlite3';
import { DeeplineError, fileAccessError, isFileSystemError } from '../../errors/index.ts';

/** A driver failure as the DL_STORE error users see, naming the store's file and the operation. */
export function storeError(store: string, file: string, what: string, e: unknown): DeeplineError {
  if (e instanceof DeeplineError) return e;
  if (isFileSystemError(e)) return fileAccessError(e, e.path ?? file, { what: store });
  const code = (e as { code?: unknown }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new DeeplineError('DL_STORE', `${store} ${file} is locked by another process: ${what} waited for it and gave up (${code})`, {
      hint: 'another deepline command (or a tool such as sqlite3) holds it: wait for that to finish, or stop it, then rerun',
      location: { file },
      cause: e,
    });
  }
  return new DeeplineError('DL_STORE', `${store} ${file}: ${what} failed: ${(e as Error).message}`, {
    hint: 'check disk space and permissions of .deepline/',
    cause: e,
  });
}

/**
 * Runs `fn` in one SQLite transaction. `immediate` takes the write lock up front, so a
 * check-then-insert cannot interleave with another process; `deferred` reads a consistent
 * snapshot without blocking writers. Driver errors come out as DL_STORE errors.
 */
export function inTransaction<T>(
  db: Database.Database,
  mode: 'immediate' | 'deferred',
  fail: (e: unknown) => DeeplineError,
  fn: () => T,
): T {
  try {
    return db.transaction(fn)[mode]();
  } catch (e) {
    throw fail(e);
  }
}

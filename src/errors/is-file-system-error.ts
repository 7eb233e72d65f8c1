/** A Node.js file-system error: an errno `code` (ENOENT, EACCES, ...), and the call and path that failed. */
export interface FileSystemError extends Error {
  readonly code: string;
  readonly syscall: string;
  readonly path?: string;
  readonly dest?: string;
}

/**
 * True for the errors Node's fs (and streams over it, and child-process pipes) throw: an `E…`
 * code plus the system call. Tells an I/O fault — which a user can fix — from a bug.
 */
export function isFileSystemError(e: unknown): e is FileSystemError {
  if (!(e instanceof Error)) return false;
  const { code, syscall } = e as { code?: unknown; syscall?: unknown };
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) && typeof syscall === 'string';
}

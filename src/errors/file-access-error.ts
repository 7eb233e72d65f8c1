import { resolve } from 'node:path';
import type { ErrorCode } from './codes.ts';
import { DeeplineError } from './deepline-error.ts';
import { isFileSystemError } from './is-file-system-error.ts';

export interface FileAccessOptions {
  /** What the path is to the user, e.g. `data file`, `task file`, `image`, `output folder`. */
  readonly what: string;
  /** What deepline was doing with it (default: `write` when the failed system call writes, else `read`). */
  readonly action?: 'read' | 'write';
  /** The code for a path that does not exist (default DL_FILE_ACCESS), e.g. DL_DATA_MISSING. */
  readonly missingCode?: ErrorCode;
  /** The code for every other fault (default DL_FILE_ACCESS), e.g. DL_TASK_FILE for a task file. */
  readonly code?: ErrorCode;
  /** The hint for a path that does not exist, e.g. which task-file field names it. */
  readonly missingHint?: string;
  /** Appended to the message: where the path came from, e.g. ` (list.csv row 3)`. */
  readonly where?: string;
}

/** System calls that fail while writing, for saying "cannot write" rather than "cannot read". */
const WRITE_CALLS = new Set(['mkdir', 'write', 'rename', 'unlink', 'rmdir', 'copyfile', 'symlink', 'link', 'chmod', 'utime', 'ftruncate', 'fsync', 'mkdtemp']);

/**
 * The DeeplineError for a failed file-system call on `path`: it names the path, what it is and
 * the cause in words (permission denied, a folder where a file was expected, locked, ...) with
 * the errno code, and says what to do. A path that does not exist gets `missingCode`; every other
 * fault `code` (both default to DL_FILE_ACCESS). Any error that is not a file-system error keeps its own message.
 */
export function fileAccessError(e: unknown, path: string, options: FileAccessOptions): DeeplineError {
  const { what } = options;
  const action = options.action ?? (isFileSystemError(e) && WRITE_CALLS.has(e.syscall) ? 'write' : 'read');
  const where = options.where ?? '';
  const location = { file: path };
  const make = (code: ErrorCode, message: string, hint: string) =>
    new DeeplineError(code === 'DL_FILE_ACCESS' ? (options.code ?? code) : code, `${message}${where}`, { hint, location, cause: e });
  if (!isFileSystemError(e)) {
    return make('DL_FILE_ACCESS', `cannot ${action} ${what} ${path}: ${e instanceof Error ? e.message : String(e)}`, `check that ${path} is a ${what} deepline can ${action}`);
  }
  const errno = e.code;
  // The failing path may be a file inside the one the user named (an image in a data folder).
  const at = e.path !== undefined && resolve(e.path) !== resolve(path) ? ` (at ${e.path})` : '';
  const missingHint = options.missingHint ?? 'check the path (relative paths are resolved from the current folder)';
  switch (errno) {
    case 'ENOENT':
      return make(options.missingCode ?? 'DL_FILE_ACCESS', `${what} ${path} does not exist${at}`, missingHint);
    case 'ENOTDIR':
      return make(
        options.missingCode ?? 'DL_FILE_ACCESS',
        `${what} ${path} cannot be reached: a part of the path${at} is a file, not a folder (ENOTDIR)`,
        missingHint,
      );
    case 'EEXIST':
      return make('DL_FILE_ACCESS', `cannot create ${what} ${path}${at}: a file of that name is in the way (EEXIST)`, 'move the file away, or choose another path');
    case 'EISDIR':
      return make('DL_FILE_ACCESS', `${what} ${path} is a folder, not a file${at} (EISDIR)`, `point it at a file, not at a folder`);
    case 'EACCES':
    case 'EPERM':
      return make(
        'DL_FILE_ACCESS',
        `permission denied: cannot ${action} ${what} ${path}${at} (${errno})`,
        action === 'read'
          ? 'make it readable by the user running deepline (e.g. `chmod a+r` on the file and `chmod a+x` on each folder above it), or run deepline as a user who can read it'
          : 'make it writable by the user running deepline (`chmod u+w`, or `chown` it), or choose a folder you own',
      );
    case 'EBUSY':
    case 'ETXTBSY':
    case 'EAGAIN':
      return make('DL_FILE_ACCESS', `${what} ${path}${at} is locked or busy (${errno})`, 'wait for the program holding it to finish, or close it, then rerun');
    case 'EMFILE':
    case 'ENFILE':
      return make('DL_FILE_ACCESS', `cannot open ${what} ${path}${at}: too many open files (${errno})`, 'raise the limit on open files (`ulimit -n 4096`) or close other programs, then rerun');
    case 'ELOOP':
      return make('DL_FILE_ACCESS', `cannot ${action} ${what} ${path}${at}: its symbolic links form a loop (ELOOP)`, 'fix the symbolic link so that it points at a real file');
    case 'ENAMETOOLONG':
      return make('DL_FILE_ACCESS', `cannot ${action} ${what} ${path.slice(0, 200)}…: the path is too long (ENAMETOOLONG)`, 'use a shorter path');
    case 'ENOSPC':
    case 'EDQUOT':
      return make('DL_FILE_ACCESS', `cannot write ${what} ${path}${at}: ${errno === 'ENOSPC' ? 'no space left on the device' : 'the disk quota is used up'} (${errno})`, 'free some disk space, then rerun');
    case 'EROFS':
      return make('DL_FILE_ACCESS', `cannot write ${what} ${path}${at}: the file system is read-only (EROFS)`, 'choose a folder on a writable disk');
    case 'EIO':
      return make('DL_FILE_ACCESS', `cannot ${action} ${what} ${path}${at}: the disk reported an I/O error (EIO)`, 'check the disk or network share, then rerun');
    default:
      return make('DL_FILE_ACCESS', `cannot ${action} ${what} ${path}${at}: ${e.message}`, `check that ${path} is a ${what} deepline can ${action}`);
  }
}

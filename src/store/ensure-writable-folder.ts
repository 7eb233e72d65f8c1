import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DeeplineError } from '../errors/index.ts';

/**
 * Creates `dir` (with its parents) when absent and proves that this process can write in it by
 * creating and deleting a file there, so a run learns before its first step, not after training,
 * that its output cannot be published. `what` names the folder in the message ("output folder").
 * Throws DL_NOT_WRITABLE naming the path at fault: a file in the way, or a folder it cannot write.
 */
export async function ensureWritableFolder(dir: string, what: string): Promise<void> {
  const target = path.resolve(dir);
  try {
    await fs.mkdir(target, { recursive: true });
  } catch (e) {
    const blocker = await fileInTheWay(target);
    if (blocker) {
      throw notWritable(`${what} ${target} cannot be created: ${blocker} is a file, not a folder`, `remove or rename ${blocker}, or choose another ${what}`, e);
    }
    throw notWritable(`${what} ${target} cannot be created: ${reason(e)}`, `create it yourself or choose another ${what}`, e);
  }
  const probe = path.join(target, `.deepline-write-check-${process.pid}-${randomUUID()}`);
  try {
    await fs.writeFile(probe, '', { flag: 'wx' });
  } catch (e) {
    throw notWritable(`${what} ${target} is not writable: ${reason(e)}`, `grant write permission on ${target}, or choose another ${what}`, e);
  } finally {
    await fs.rm(probe, { force: true });
  }
}

/** The nearest existing path at or above `target` when it is not a folder (what made mkdir fail). */
async function fileInTheWay(target: string): Promise<string | undefined> {
  for (let p = target; ; p = path.dirname(p)) {
    try {
      const stat = await fs.stat(p);
      return stat.isDirectory() ? undefined : p;
    } catch {
      if (path.dirname(p) === p) return undefined;
    }
  }
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'the file system is read-only';
  if (code === 'ENOSPC') return 'the disk is full';
  return (e as Error).message;
}

function notWritable(message: string, hint: string, cause: unknown): DeeplineError {
  return new DeeplineError('DL_NOT_WRITABLE', message, { hint, cause });
}

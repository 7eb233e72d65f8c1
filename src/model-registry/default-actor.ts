import { userInfo } from 'node:os';

/** Who a registry change is recorded as when nobody says: the OS user running deepline. */
export function defaultActor(): string {
  try {
    return userInfo().username || fallback();
  } catch {
    // A container user with no passwd entry has no name to read.
    return fallback();
  }
}

function fallback(): string {
  return process.env.USER ?? process.env.USERNAME ?? `uid ${process.getuid?.() ?? 'unknown'}`;
}

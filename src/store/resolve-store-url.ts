import { parseStoreUrl } from './postgres/store-url.ts';

/** Where the store URL was taken from, for messages and `deepline doctor`. */
export type StoreUrlSource = '--store' | 'task file' | 'DEEPLINE_STORE_URL';

export interface ResolvedStoreUrl {
  /** The URL, or undefined for the embedded stores in `--home`. */
  readonly url?: string;
  readonly source?: StoreUrlSource;
}

/**
 * The store a command uses, first match wins: `--store <url>` on the command line, then the task
 * file's `store:` (for commands that read one), then the environment's `DEEPLINE_STORE_URL`, else
 * the embedded stores. The task file outranks the environment because it says where this task's
 * records belong; the command line outranks both because it is the most deliberate. An empty
 * value means "not set". The URL is checked here (DL_STORE_URL naming its source).
 */
export function resolveStoreUrl(sources: { flag?: string; task?: string; env?: NodeJS.ProcessEnv }): ResolvedStoreUrl {
  const env = (sources.env ?? process.env).DEEPLINE_STORE_URL;
  const candidates: Array<[string | undefined, StoreUrlSource]> = [
    [sources.flag, '--store'],
    [sources.task, 'task file'],
    [env, 'DEEPLINE_STORE_URL'],
  ];
  for (const [value, source] of candidates) {
    if (value === undefined || value.trim() === '') continue;
    parseStoreUrl(value.trim(), source === 'task file' ? 'the task file\'s `store`' : source);
    return { url: value.trim(), source };
  }
  return {};
}


import type { RedisOptions } from 'ioredis';
import { DeeplineError } from '../../errors/index.ts';
import type { TrialJob, TrialResult } from './trial-job.ts';

/**
 * The wire format between a search driver (BullmqExecutor) and `deepline worker` processes, which
 * share nothing but Redis (and the artifact store the data come from). One BullMQ queue carries
 * the trials; a few plain Redis keys carry what BullMQ has no notion of: stop requests, the
 * driver's liveness and the workers' heartbeats.
 */
export interface TrialQueueAddress {
  /** `redis://[user:password@]host[:port][/db]`. */
  readonly redis: string;
  /** BullMQ's key prefix: queues with different prefixes never see each other (one per test). */
  readonly prefix?: string;
  /** The queue's name within the prefix. */
  readonly queue?: string;
}

export const DEFAULT_PREFIX = 'deepline';
export const DEFAULT_QUEUE = 'trials';

/** What a queued job carries: the trial and the driver that waits for it. */
export interface QueuedTrial {
  readonly job: TrialJob;
  /** The submitting driver's id: a worker drops trials whose driver has been gone a while. */
  readonly driver: string;
}

/** Job progress updates: `start` once per attempt (a stalled job restarts), then one `epoch` per epoch. */
export type QueuedProgress =
  | { readonly type: 'start'; readonly worker: string; readonly pid: number; readonly attempt: number }
  | { readonly type: 'epoch'; readonly epoch: number; readonly values: readonly number[] };

/** What `deepline worker` writes in its heartbeat key, which expires when the worker is gone. */
export interface WorkerHeartbeat {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly concurrency: number;
  readonly threads: number;
  readonly startedAt: string;
  readonly current: readonly { readonly trialId: number; readonly jobId: string; readonly epoch: number; readonly since: string }[];
  /** Trials finished, by state. */
  readonly finished: Readonly<Partial<Record<TrialResult['state'], number>>>;
  readonly epochs: number;
  /** Trial-epochs per minute since the worker started. */
  readonly epochsPerMinute: number;
}

/** Seconds a heartbeat lives without being refreshed; workers refresh it every third of that. */
export const HEARTBEAT_TTL_S = 15;
/** Milliseconds a driver's liveness key lives without being refreshed. */
export const DRIVER_TTL_MS = 15_000;

/** The Redis names one queue uses besides BullMQ's own keys. */
export function queueKeys(address: TrialQueueAddress): { stopChannel: string; stopKey(jobId: string): string; driverKey(driver: string): string; workerKey(id: string): string; workerPattern: string } {
  const base = `${address.prefix ?? DEFAULT_PREFIX}:${address.queue ?? DEFAULT_QUEUE}:dl`;
  return {
    stopChannel: `${base}:stop`,
    stopKey: (jobId) => `${base}:stop:${jobId}`,
    driverKey: (driver) => `${base}:driver:${driver}`,
    workerKey: (id) => `${base}:worker:${id}`,
    workerPattern: `${base}:worker:*`,
  };
}

/**
 * ioredis options for a `redis://` URL. `maxRetriesPerRequest: null` makes commands wait through
 * a Redis restart instead of failing (BullMQ's workers require it), and reconnection never gives up.
 */
export function redisOptions(url: string, field = 'executor.redis'): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl(url, field);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw badUrl(url, field);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw badUrl(url, field);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    db,
    ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
    ...(parsed.protocol === 'rediss:' && { tls: {} }),
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(200 * times, 2_000),
  };
}

function badUrl(url: string, field: string): DeeplineError {
  // A command-line flag is a usage error; a task-file field, a task error at that field.
  return new DeeplineError(field.startsWith('--') ? 'DL_USAGE' : 'DL_TASK_FIELD', `${field} must be a redis:// URL such as redis://127.0.0.1:6379, but got ${JSON.stringify(url)}`, {
    hint: 'give redis://[user:password@]host[:port][/db] (rediss:// for TLS)',
    ...(!field.startsWith('--') && { location: { field } }),
  });
}

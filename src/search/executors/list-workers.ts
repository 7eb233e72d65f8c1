import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DeeplineError } from '../../errors/index.ts';
import { DEFAULT_PREFIX, DEFAULT_QUEUE, queueKeys, redisOptions, type TrialQueueAddress, type WorkerHeartbeat } from './trial-queue.ts';

/**
 * The live workers of a queue (those whose heartbeat key has not expired), sorted by id, and the
 * queue's job counts by state. Fails with DL_USAGE naming the URL when Redis does not answer in 5 s.
 */
export async function listWorkers(address: TrialQueueAddress): Promise<{ workers: WorkerHeartbeat[]; jobs: Record<string, number> }> {
  const connection = { ...redisOptions(address.redis, '--redis'), maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 5_000 };
  const redis = new Redis(connection);
  redis.on('error', () => undefined);
  const queue = new Queue(address.queue ?? DEFAULT_QUEUE, { connection, prefix: address.prefix ?? DEFAULT_PREFIX });
  queue.on('error', () => undefined);
  try {
    await redis.ping().catch((e: Error) => {
      throw new DeeplineError('DL_USAGE', `cannot reach Redis at ${address.redis}: ${e.message}`, { hint: 'check --redis (or DEEPLINE_REDIS_URL) and that Redis is up' });
    });
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', queueKeys(address).workerPattern, 'COUNT', 500);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    const values = keys.length === 0 ? [] : await redis.mget(keys);
    const workers = values.flatMap((v) => (v ? [JSON.parse(v) as WorkerHeartbeat] : [])).sort((a, b) => a.id.localeCompare(b.id));
    const jobs = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    return { workers, jobs };
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}

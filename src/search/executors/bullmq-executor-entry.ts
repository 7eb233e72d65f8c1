import { DeeplineError } from '../../errors/index.ts';
import type { ExecutorEntry } from './executor-entry.ts';

/**
 * `executor: { kind: bullmq, redis: … }`: trials as jobs on a BullMQ queue in Redis, run by
 * `deepline worker` processes on any machine that reaches it. The queue's address comes from the
 * task file, else DEEPLINE_REDIS_URL. BullMQ and ioredis (some 200 files) load only when a search
 * asks for this executor, not in every command that builds the registries.
 */
export const bullmqExecutor: ExecutorEntry = {
  name: 'bullmq',
  description: 'jobs on a Redis queue (BullMQ) that `deepline worker` processes anywhere take',
  create: ({ workers, settings, onNotice }) => {
    const redis = settings?.redis ?? process.env.DEEPLINE_REDIS_URL;
    if (!redis) {
      throw new DeeplineError('DL_TASK_FIELD', 'executor.redis is not set and DEEPLINE_REDIS_URL is empty: the bullmq executor needs the Redis its workers take jobs from', {
        hint: 'add `redis: redis://host:6379` under `executor:` in the task file, or export DEEPLINE_REDIS_URL=redis://host:6379',
        location: { field: 'executor.redis' },
      });
    }
    return import('./bullmq-executor.ts').then(({ BullmqExecutor }) => new BullmqExecutor({
      redis,
      workers,
      ...(settings?.prefix !== undefined && { prefix: settings.prefix }),
      ...(settings?.queue !== undefined && { queue: settings.queue }),
      ...(settings?.attempts !== undefined && { attempts: settings.attempts }),
      ...(onNotice && { onNotice }),
    }));
  },
};

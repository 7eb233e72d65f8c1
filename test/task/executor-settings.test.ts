import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { createRegistries } from '../../src/context/registries.ts';
import { taskExtensions } from '../../src/context/task-vocabulary.ts';
import { createDefaultContext } from '../../src/context/deepline-context.ts';
import { BullmqExecutor } from '../../src/search/executors/bullmq-executor.ts';
import { bullmqExecutor } from '../../src/search/executors/bullmq-executor-entry.ts';
import { LocalProcessExecutor } from '../../src/search/executors/local-process-executor.ts';
import { redisOptions } from '../../src/search/executors/trial-queue.ts';
import { parseTaskObject } from '../../src/task/parse-task-object.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/task/', import.meta.url));
const data = { path: 'iris.csv', target: 'species' };
const parse = (executor: unknown) => parseTaskObject({ data, executor } as never, { baseDir: FIXTURES, extensions: taskExtensions(createRegistries()) });

describe('executor: in the task file', () => {
  it('keeps a registered executor and its queue, and leaves the field out when absent', async () => {
    const spec = await parse({ kind: 'bullmq', redis: 'redis://10.0.0.5:6380/2', prefix: 'team-a', attempts: 5 });
    assert.deepEqual(spec.executor, { kind: 'bullmq', redis: 'redis://10.0.0.5:6380/2', prefix: 'team-a', attempts: 5 });
    const plain = await parseTaskObject({ data }, { baseDir: FIXTURES });
    assert.equal('executor' in plain, false);
  });

  it('names the field, the value and the registered executors when the kind is unknown', async () => {
    await assert.rejects(parse({ kind: 'bulmq' }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'DL_TASK_FIELD');
      assert.match(e.message, /executor\.kind: expected a registered executor \(local, bullmq\), but got "bulmq" — did you mean `bullmq`\?/);
      return true;
    });
  });

  it('refuses a Redis address that is not a redis:// URL, and an unknown field', async () => {
    await assert.rejects(parse({ kind: 'bullmq', redis: 'http://127.0.0.1:6379' }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'DL_TASK_FIELD');
      assert.match(e.message, /executor\.redis/);
      assert.match(e.message, /redis:\/\/127\.0\.0\.1:6379/);
      return true;
    });
    await assert.rejects(parse({ kind: 'bullmq', host: 'x' }), /executor/);
  });
});

describe('the bullmq executor entry', () => {
  it('needs a Redis from the task file or DEEPLINE_REDIS_URL, and says where to put it', () => {
    const saved = process.env.DEEPLINE_REDIS_URL;
    delete process.env.DEEPLINE_REDIS_URL;
    try {
      assert.throws(() => bullmqExecutor.create({ workers: 2, plugins: [], settings: { kind: 'bullmq' } }), (e: Error & { code?: string; hint?: string }) => {
        assert.equal(e.code, 'DL_TASK_FIELD');
        assert.match(e.message, /executor\.redis is not set and DEEPLINE_REDIS_URL is empty/);
        assert.match(e.hint ?? '', /DEEPLINE_REDIS_URL=redis:\/\//);
        return true;
      });
    } finally {
      if (saved !== undefined) process.env.DEEPLINE_REDIS_URL = saved;
    }
  });

  it('is the default executor when DEEPLINE_REDIS_URL is set, and local is otherwise', async () => {
    const saved = process.env.DEEPLINE_REDIS_URL;
    const context = await createDefaultContext();
    try {
      process.env.DEEPLINE_REDIS_URL = 'redis://127.0.0.1:6379';
      const queued = await context.createExecutor({ workers: 3 });
      assert.ok(queued instanceof BullmqExecutor);
      assert.equal(queued.size, 3);
      await queued.close();
      delete process.env.DEEPLINE_REDIS_URL;
      const local = await context.createExecutor({ workers: 1 });
      assert.ok(local instanceof LocalProcessExecutor);
      await local.close();
    } finally {
      if (saved !== undefined) process.env.DEEPLINE_REDIS_URL = saved;
      else delete process.env.DEEPLINE_REDIS_URL;
      await context.close();
    }
  });

  it('reads host, port, database and credentials from a redis:// URL, and refuses others naming the field', () => {
    const o = redisOptions('redis://me:s%40cret@10.1.2.3:6390/4');
    assert.deepEqual([o.host, o.port, o.db, o.username, o.password, o.maxRetriesPerRequest], ['10.1.2.3', 6390, 4, 'me', 's@cret', null]);
    const d = redisOptions('redis://localhost');
    assert.deepEqual([d.host, d.port, d.db], ['localhost', 6379, 0]);
    assert.throws(() => redisOptions('localhost:6379', '--redis'), { code: 'DL_USAGE', message: /--redis must be a redis:\/\/ URL .* but got "localhost:6379"/ });
    assert.throws(() => redisOptions('redis://h/x'), { code: 'DL_TASK_FIELD' });
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { BullmqExecutor } from '../../../src/search/executors/bullmq-executor.ts';
import type { TrialJob } from '../../../src/search/executors/trial-job.ts';
import { PgArtifactStore } from '../../../src/store/postgres/pg-artifact-store.ts';
import { PgDatabase } from '../../../src/store/postgres/pg-database.ts';
import { cleanUp, REDIS_URL, redisMissing, startWorker, uniquePrefix, waitForWorkers, type WorkerProcess } from './fixtures/queue-workers.ts';
import { writeTinyDataset } from './fixtures/write-tiny-dataset.ts';

// A worker that shares no folder with the driver: the trial's data go into a PostgreSQL artifact
// store, the job names them by hash (its data paths point nowhere), and the worker, in a folder
// of its own, fetches them through its cache. A hash the store does not hold is retried with
// backoff, then the trial fails saying why.
const PG_URL = process.env.DEEPLINE_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
const down = (await redisMissing()) ?? (spawnSync('pg_isready', ['-h', '127.0.0.1', '-t', '3']).status === 0 ? undefined : 'PostgreSQL is not reachable at 127.0.0.1:5432: start it (see .ci/run) to run this test');

describe('deepline worker --store postgres://', { skip: down ?? false, timeout: 300_000 }, () => {
  const prefix = uniquePrefix('pgdata');
  const schema = prefix.replace(/-/g, '_');
  const url = `${PG_URL}?schema=${schema}`;
  const dir = mkdtempSync(join(tmpdir(), 'deepline-pg-driver-'));
  const workers: WorkerProcess[] = [];
  const workerDir = mkdtempSync(join(tmpdir(), 'deepline-pg-worker-'));
  after(async () => {
    await cleanUp(prefix, workers);
    const db = PgDatabase.open(PG_URL);
    await db.query('cleanup', 'test schema', `DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await db.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(workerDir, { recursive: true, force: true });
  });

  it('fetches a trial\'s data by hash from the store, and retries then fails a trial whose data it lacks', async () => {
    const local = await writeTinyDataset(join(dir, 'data'));
    const db = PgDatabase.open(url);
    let hashes: { train: string; validation: string };
    try {
      const store = await PgArtifactStore.open(db, { cacheDir: join(dir, 'cache') });
      hashes = { train: (await store.putDir(local.train)).hash, validation: (await store.putDir(local.validation)).hash };
    } finally {
      await db.close();
    }
    const cwd = workerDir;
    workers.push(startWorker(prefix, ['--store', url, '--cache', join(cwd, 'cache'), '--threads', '1'], { cwd }));
    await waitForWorkers(prefix, 1, 120_000, workers);
    const executor = new BullmqExecutor({ redis: REDIS_URL, prefix, workers: 1, attempts: 2, backoffMs: 100 });
    const job = (trialId: number, artifacts: TrialJob['artifacts']): TrialJob => ({
      trialId,
      genome: { family: 'mlp', hidden: [4], dropout: 0, batchNorm: false, activation: 'relu' },
      training: { epochs: 2, batchSize: 16, learningRate: 0.05, patience: 2 },
      data: { train: '/nonexistent/train', validation: '/nonexistent/validation' },
      ...(artifacts && { artifacts }),
      seed: trialId,
      engine: 'cpu',
    });
    try {
      const fetched = await executor.submit(job(1, hashes)).result;
      assert.equal(fetched.state, 'complete', fetched.error);
      assert.equal(fetched.epochs, 2);
      const missing = await executor.submit(job(2, { train: 'f'.repeat(64), validation: hashes.validation })).result;
      assert.equal(missing.state, 'failed');
      assert.match(missing.error ?? '', /the trial's data ffffffffffff is not in the worker's artifact store/);
      const queue = new Queue('trials', { connection: { host: '127.0.0.1', port: 6379 }, prefix });
      const failedJob = await queue.getJob(`${executor.driver}.2`);
      await queue.close();
      assert.equal(failedJob?.attemptsMade, 2, 'tried twice before failing');
    } finally {
      await executor.close();
    }
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { BullmqExecutor } from '../../src/search/executors/bullmq-executor.ts';
import { CLI } from './cli-helpers.ts';
import { cleanUp, REDIS_URL, redisMissing, startWorker, uniquePrefix, waitForWorkers, type WorkerProcess } from '../search/executors/fixtures/queue-workers.ts';
import { writeTinyDataset } from '../search/executors/fixtures/write-tiny-dataset.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const deepline = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
const missing = await redisMissing();

describe('deepline worker and deepline workers', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepline-worker-cli-'));
  const prefix = uniquePrefix('cli');
  const workers: WorkerProcess[] = [];
  after(async () => {
    await cleanUp(prefix, workers);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start without a Redis, saying how to give one', () => {
    const r = deepline(['worker'], { DEEPLINE_REDIS_URL: '' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /error\[DL_USAGE\]: deepline worker needs the queue's Redis: --redis is not given and DEEPLINE_REDIS_URL is empty/);
    const bad = deepline(['workers', '--redis', 'localhost:6379']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--redis must be a redis:\/\/ URL/);
  });

  it('lists a live worker with its trials and throughput, and serves its Prometheus metrics', { skip: missing ?? false }, async () => {
    const worker = startWorker(prefix, ['--threads', '1', '--metrics-port', '0', '--id', 'cli-worker-1']);
    workers.push(worker);
    await waitForWorkers(prefix, 1, 60_000, workers);
    const port = Number(/metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(worker.log())?.[1]);
    assert.ok(port > 0, worker.log());
    const listed = JSON.parse(deepline(['workers', '--redis', REDIS_URL, '--prefix', prefix, '--json']).stdout) as { workers: { id: string; concurrency: number; threads: number; current: unknown[] }[] };
    assert.deepEqual(listed.workers.map((w) => [w.id, w.concurrency, w.threads, w.current.length]), [['cli-worker-1', 1, 1, 0]]);

    const data = await writeTinyDataset(dir);
    const executor = new BullmqExecutor({ redis: REDIS_URL, prefix, workers: 1 });
    try {
      const result = await executor.submit({ trialId: 7, genome: { family: 'mlp', hidden: [4], dropout: 0, batchNorm: false, activation: 'relu' }, training: { epochs: 3, batchSize: 16, learningRate: 0.05, patience: 3 }, data, seed: 7, engine: 'cpu' }).result;
      assert.equal(result.state, 'complete', result.error);
    } finally {
      await executor.close();
    }
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /^deepline_worker_trials_total\{state="complete",worker="cli-worker-1"\} 1$/m);
    assert.match(metrics, /^deepline_worker_trial_epochs_total\{worker="cli-worker-1"\} 3$/m);
    assert.match(metrics, /^deepline_worker_trials_running\{worker="cli-worker-1"\} 0$/m);
    // The heartbeat is refreshed every 5 s: wait for one that counts the trial.
    const counted = /^cli-worker-1 .* idle +1 complete +\d+\.\d/m;
    let text = '';
    for (let i = 0; i < 40 && !counted.test(text); i++) {
      await new Promise((r) => setTimeout(r, 250));
      text = deepline(['workers', '--redis', REDIS_URL, '--prefix', prefix]).stdout;
    }
    assert.match(text, counted);
    assert.match(text, /jobs: 0 waiting, 0 active, 0 delayed, 1 completed, 0 failed/);
  });
});

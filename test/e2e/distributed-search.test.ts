import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { buildProgram } from '../../src/cli/main.ts';
import type { StudySummary } from '../../src/search/study-summary.ts';
import { CLI } from './cli-helpers.ts';
import { cleanUp, REDIS_URL, redisMissing, startWorker, uniquePrefix, waitForWorkers, type WorkerProcess } from '../search/executors/fixtures/queue-workers.ts';

// A search driver (`deepline run`) and `deepline worker` processes that share nothing but Redis
// and the store: each worker runs in its own folder, and where the run command takes a PostgreSQL
// store (`--store`) and `unshare` works, in its own mount namespace in which the driver's folder
// is an empty tmpfs. Without a PostgreSQL store the workers read the driver's workspace by path
// (a shared file system), which is said in the test names. Trials are tiny (digits, 2 epochs).

const ROOT = resolve(import.meta.dirname, '../..');
const PG_URL = process.env.DEEPLINE_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
const redisDown = await redisMissing();
const runTakesStore = buildProgram().commands.find((c) => c.name() === 'run')?.options.some((o) => o.long === '--store') ?? false;
const pgUp = runTakesStore && spawnSync('pg_isready', ['-h', '127.0.0.1', '-t', '3']).status === 0;
const canUnshare = pgUp && spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']).status === 0;
const sharing = pgUp ? `PostgreSQL store${canUnshare ? ', driver folder hidden from workers' : ''}` : 'workspace shared by path: no PostgreSQL store in `deepline run` yet';

interface Search {
  readonly dir: string;
  readonly prefix: string;
  readonly redis: string;
  readonly workers: WorkerProcess[];
  readonly store: string;
  driver?: ChildProcess;
  driverErr: string;
}

const made: Search[] = [];
const workerFolders: string[] = [];
after(async () => {
  for (const folder of workerFolders) rmSync(folder, { recursive: true, force: true });
  for (const s of made) {
    s.driver?.kill('SIGKILL');
    await cleanUp(s.prefix, s.workers).catch(() => undefined);
    rmSync(s.dir, { recursive: true, force: true });
  }
});

/** A 12-trial digits search on the bullmq executor, its driver not yet started. */
function newSearch(label: string, options: { redis?: string; trials?: number; epochs?: number } = {}): Search {
  const dir = mkdtempSync(join(tmpdir(), `deepline-dist-${label}-`));
  const prefix = uniquePrefix(label);
  const redis = options.redis ?? REDIS_URL;
  copyFileSync(join(ROOT, 'examples/data/digits.csv'), join(dir, 'digits.csv'));
  writeFileSync(
    join(dir, 'task.yaml'),
    [
      'name: digits-dist',
      'task: image-classification',
      'data: { path: ./digits.csv, target: digit, image: { width: 8, height: 8, channels: 1 } }',
      'metric: accuracy',
      'split: { train: 0.7, validation: 0.15, test: 0.15 }',
      'seed: 7',
      `budget: { trials: ${options.trials ?? 12}, epochs: ${options.epochs ?? 2} }`,
      'search: { workers: 2, sampler: random, scheduler: none }',
      `executor: { kind: bullmq, redis: "${redis}", prefix: ${prefix} }`,
      'export: []',
      'security: { enabled: false }',
      '',
    ].join('\n'),
  );
  const store = pgUp ? `${PG_URL}?schema=${prefix.replace(/-/g, '_')}` : join(dir, '.deepline');
  if (!pgUp) mkdirSync(store);
  const search: Search = { dir, prefix, redis, workers: [], store, driverErr: '' };
  made.push(search);
  return search;
}

/** Starts a `deepline worker` in a folder of its own; hidden from the driver's folder where it can be. */
function addWorker(search: Search, extra: readonly string[] = []): WorkerProcess {
  const cwd = mkdtempSync(join(tmpdir(), 'deepline-worker-'));
  workerFolders.push(cwd);
  const hide = canUnshare ? ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs tmpfs "$0" && exec "$@"', search.dir] : [];
  const args = ['--store', search.store, '--threads', '1', '--lock-ms', '3000', ...(search.redis !== REDIS_URL ? ['--redis', search.redis] : []), ...extra];
  const worker = startWorker(search.prefix, args, { cwd, command: hide });
  search.workers.push(worker);
  return worker;
}

function startDriver(search: Search): Promise<number | null> {
  const args = [...CLI, '--home', join(search.dir, '.deepline'), 'run', 'task.yaml', ...(pgUp ? ['--store', search.store] : [])];
  const driver = spawn(process.execPath, args, { cwd: search.dir, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'ignore', 'pipe'] });
  search.driver = driver;
  search.driverErr = '';
  driver.stderr!.on('data', (chunk: Buffer) => (search.driverErr += chunk.toString()));
  return new Promise((r) => driver.on('exit', (code, signal) => r(signal ? null : code)));
}

function study(search: Search): StudySummary {
  return JSON.parse(readFileSync(join(search.dir, 'out/digits-dist/study.json'), 'utf8')) as StudySummary;
}

/** Trial ids each worker finished, from the lines it prints. */
function finishedBy(worker: WorkerProcess): number[] {
  return [...worker.log().matchAll(/^trial (\d+) (complete|stopped|failed|rejected)/gm)].map((m) => Number(m[1]));
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const skip = redisDown ?? false;

describe('distributed search on the bullmq executor', { skip, timeout: 600_000, concurrency: false }, () => {
  it(`runs a 12-trial search on two workers that share nothing but Redis and the store (${sharing})`, async () => {
    const search = newSearch('share');
    const [a, b] = [addWorker(search), addWorker(search)];
    await waitForWorkers(search.prefix, 2, 120_000, search.workers);
    const code = await startDriver(search);
    assert.equal(code, 0, search.driverErr);
    const summary = study(search);
    assert.equal(summary.trials.length, 12);
    assert.ok(summary.trials.every((t) => t.state === 'complete'), JSON.stringify(summary.trials.map((t) => t.state)));
    // The same result in kind as the local executor's: the family's study, a best trial, a test score.
    assert.equal(summary.family, 'cnn');
    assert.ok((summary.best?.trialId ?? 0) >= 1, "the search chose a trial");
    const metrics = JSON.parse(readFileSync(join(search.dir, 'out/digits-dist/metrics.json'), 'utf8')) as { accuracy: number };
    assert.ok(metrics.accuracy > 0.5, `test accuracy ${metrics.accuracy}`);
    const [byA, byB] = [finishedBy(a), finishedBy(b)];
    assert.ok(byA.length > 0 && byB.length > 0, `both workers ran trials: ${byA.join(',')} | ${byB.join(',')}`);
    assert.equal(new Set([...byA, ...byB]).size, 12, 'each trial ran once');
  });

  it('finishes the search when a worker is SIGKILLed mid-trial: its trial is retried or failed, finished ones are kept', async () => {
    // Four epochs a trial: the worker's heartbeat (written at each epoch) shows it mid-trial for long enough to be seen.
    const search = newSearch('killworker', { trials: 8, epochs: 4 });
    addWorker(search);
    addWorker(search);
    await waitForWorkers(search.prefix, 2, 120_000, search.workers);
    const exited = startDriver(search);
    const redis = new Redis(REDIS_URL);
    let victim: { pid: number; trialId: number } | undefined;
    try {
      await until('a worker mid-trial', async () => {
        const keys = await redis.keys(`${search.prefix}:trials:dl:worker:*`);
        for (const key of keys) {
          const beat = JSON.parse((await redis.get(key)) ?? 'null') as { pid: number; current: { trialId: number; epoch: number }[] } | null;
          const running = beat?.current.find((c) => c.epoch >= 1);
          // A trial with finished trials before it, so "kept" means something.
          if (beat && running && running.trialId >= 3) victim = { pid: beat.pid, trialId: running.trialId };
        }
        return victim !== undefined;
      });
    } finally {
      redis.disconnect();
    }
    const killed = search.workers.find((w) => w.child.pid === victim!.pid) ?? search.workers.find((w) => w.log().includes(`pid ${victim!.pid}`));
    assert.ok(killed, `worker pid ${victim!.pid} is one of ours`);
    const before = finishedBy(killed);
    killed.child.kill('SIGKILL');
    const code = await exited;
    assert.equal(code, 0, search.driverErr);
    const summary = study(search);
    assert.equal(summary.trials.length, 8);
    const trial = summary.trials.find((t) => t.id === victim!.trialId);
    assert.ok(trial && (trial.state === 'complete' || trial.state === 'failed'), `the killed trial ended ${trial?.state}`);
    for (const id of before) assert.equal(summary.trials.find((t) => t.id === id)?.state, 'complete', `trial ${id}, finished before the kill, is kept`);
  });

  it('resumes the same study when the driver is SIGKILLed and rerun', async () => {
    const search = newSearch('killdriver', { trials: 8 });
    addWorker(search);
    addWorker(search);
    await waitForWorkers(search.prefix, 2, 120_000, search.workers);
    const first = startDriver(search);
    await until('three finished trials', () => search.workers.flatMap(finishedBy).length >= 3);
    search.driver!.kill('SIGKILL');
    assert.equal(await first, null);
    const code = await startDriver(search);
    assert.equal(code, 0, search.driverErr);
    const logs = readdirSync(join(search.dir, '.deepline/logs')).map((f) => readFileSync(join(search.dir, '.deepline/logs', f), 'utf8')).join('\n');
    const resumed = /"msg":"resuming the search"[^\n]*|resuming the search[^\n]*/.exec(logs);
    assert.ok(resumed, 'the rerun resumed the study');
    const summary = study(search);
    // Eight trials counted in all: the first driver's finished ones kept, the rest run by the second.
    assert.equal(summary.trials.filter((t) => t.state === 'complete').length, 8, JSON.stringify(summary.trials.map((t) => t.state)));
  });

  it('completes the search when Redis is restarted mid-search', async () => {
    const port = await freePort();
    const data = mkdtempSync(join(tmpdir(), 'deepline-redis-'));
    const startRedis = (): ChildProcess => spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', data], { stdio: 'ignore' });
    let server = startRedis();
    try {
      const url = `redis://127.0.0.1:${port}`;
      await until('the private Redis', async () => (await redisMissing(url)) === undefined, 20_000);
      const search = newSearch('redis', { redis: url, trials: 8 });
      addWorker(search);
      addWorker(search);
      await until('two workers', async () => {
        const r = new Redis(url);
        const n = (await r.keys(`${search.prefix}:trials:dl:worker:*`)).length;
        r.disconnect();
        return n >= 2;
      }, 60_000);
      const exited = startDriver(search);
      await until('two finished trials', () => search.workers.flatMap(finishedBy).length >= 2);
      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r));
      await new Promise((r) => setTimeout(r, 1_000));
      server = startRedis();
      const code = await exited;
      assert.equal(code, 0, search.driverErr);
      const summary = study(search);
      assert.equal(summary.trials.length, 8);
      assert.ok(summary.trials.every((t) => t.state === 'complete'), JSON.stringify(summary.trials.map((t) => t.state)));
      for (const w of search.workers) w.child.kill('SIGKILL');
    } finally {
      server.kill('SIGKILL');
      rmSync(data, { recursive: true, force: true });
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}


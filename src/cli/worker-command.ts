import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DeeplineError } from '../errors/index.ts';
import { collect } from './collect.ts';

interface WorkerCommandOptions {
  readonly redis?: string;
  readonly store?: string;
  readonly cache: string;
  readonly concurrency: string;
  readonly threads?: string;
  readonly prefix: string;
  readonly queue: string;
  readonly metricsPort?: string;
  readonly metricsHost: string;
  readonly lockMs: string;
  readonly maxStalled: string;
  readonly plugin?: string[];
  readonly id?: string;
}

/** `deepline worker`: takes trial jobs from a BullMQ queue and trains them here until stopped. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('take trial jobs from a Redis queue (a search with `executor: { kind: bullmq }`) and train them here')
    .option('--redis <url>', 'the queue\'s Redis (default: $DEEPLINE_REDIS_URL)')
    .option('--store <url|folder>', 'the store the search driver writes to, where trial data are fetched by hash: postgres://… or a workspace folder (default $DEEPLINE_STORE_URL; neither: the data paths in each job)')
    .option('--cache <dir>', 'where data fetched from a PostgreSQL store are kept between trials', '.deepline-worker/cache')
    .option('--concurrency <n>', 'trials trained at once (one worker process each)', '1')
    .option('--threads <n>', "native-engine threads per trial (default: this machine's cores over --concurrency)")
    .option('--prefix <prefix>', 'BullMQ key prefix (executor.prefix)', 'deepline')
    .option('--queue <name>', 'queue name (executor.queue)', 'trials')
    .option('--metrics-port <port>', 'serve Prometheus metrics on GET /metrics at this port (0: any free port)')
    .option('--metrics-host <address>', 'address the metrics server binds', '127.0.0.1')
    .option('--lock-ms <ms>', 'job lock: a worker silent this long (killed) has its trial re-queued by another worker', '30000')
    .option('--max-stalled <n>', 'times a trial may be re-queued from a dead worker before it fails', '1')
    .option('--plugin <module>', 'a plugin module the trials need (repeatable)', collect)
    .option('--id <id>', 'name shown by `deepline workers` (default host-pid-random)')
    .addHelpText('after', '\nSIGTERM or Ctrl-C: takes no more jobs and stops when its running trials end (a second one exits at once;\nthe queue then hands its trials to another worker once their lock expires).\n\nExample:\n  deepline worker --redis redis://10.0.0.5:6379 --store /mnt/deepline --metrics-port 9464')
    .action(async (opts: WorkerCommandOptions) => {
      const whole = (value: string, flag: string, min: number): number => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < min) throw new DeeplineError('DL_USAGE', `${flag} must be a whole number >= ${min}, but got ${value}`);
        return n;
      };
      const redis = opts.redis ?? process.env.DEEPLINE_REDIS_URL;
      if (!redis) throw new DeeplineError('DL_USAGE', 'deepline worker needs the queue\'s Redis: --redis is not given and DEEPLINE_REDIS_URL is empty', { hint: 'run `deepline worker --redis redis://host:6379`' });
      const concurrency = whole(opts.concurrency, '--concurrency', 1);
      const threads = opts.threads === undefined ? Math.max(1, Math.floor(availableParallelism() / concurrency)) : whole(opts.threads, '--threads', 1);
      const { redisOptions } = await import('../search/executors/trial-queue.ts');
      redisOptions(redis, '--redis');
      const store = opts.store ?? process.env.DEEPLINE_STORE_URL;
      const { openWorkerArtifacts } = await import('./open-worker-artifacts.ts');
      const artifacts = store ? await openWorkerArtifacts(store, opts.cache) : undefined;
      const { LocalProcessExecutor } = await import('../search/executors/local-process-executor.ts');
      const { QueueTrialWorker } = await import('../search/executors/queue-trial-worker.ts');
      const { createWorkerMetrics } = await import('./worker-metrics.ts');
      const say = (line: string): void => void process.stderr.write(`${line}\n`);
      const executor = new LocalProcessExecutor({ workers: concurrency, plugins: (opts.plugin ?? []).map((p) => resolve(p)) });
      let metrics: ReturnType<typeof createWorkerMetrics> | undefined;
      const worker = new QueueTrialWorker({
        redis,
        prefix: opts.prefix,
        queue: opts.queue,
        executor,
        threads,
        ...(artifacts && { artifacts: artifacts.store }),
        ...(opts.id !== undefined && { id: opts.id }),
        lockMs: whole(opts.lockMs, '--lock-ms', 100),
        maxStalledCount: whole(opts.maxStalled, '--max-stalled', 0),
        onTrialStart: () => metrics?.trialStarted(),
        onEpoch: () => metrics?.epoch(),
        onTrialEnd: (result) => {
          metrics?.trialEnded(result);
          say(`trial ${result.trialId} ${result.state} after ${result.epochs} epoch(s) in ${(result.durationMs / 1000).toFixed(1)} s${result.error ? `: ${result.error}` : ''}`);
        },
      });
      metrics = createWorkerMetrics({ worker: worker.id });
      if (opts.metricsPort !== undefined) {
        const port = await metrics.listen(whole(opts.metricsPort, '--metrics-port', 0), opts.metricsHost);
        say(`metrics on http://${opts.metricsHost}:${port}/metrics`);
      }
      await worker.ready();
      say(`worker ${worker.id} (pid ${process.pid}) takes trials from ${redis} queue ${opts.prefix}:${opts.queue}: ${concurrency} at once, ${threads} thread(s) each${artifacts ? `, data from ${artifacts.describe}` : ''}`);
      await new Promise<void>((done) => {
        let stopping = false;
        const stop = (): void => {
          if (stopping) process.exit(130);
          stopping = true;
          say('stopping: no more jobs; running trials finish first (again to exit now)');
          void worker.close().then(done);
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
      await metrics.close();
      await artifacts?.close();
    });
}

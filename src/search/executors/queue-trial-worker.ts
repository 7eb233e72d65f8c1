import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { DeeplineError } from '../../errors/index.ts';
import type { ArtifactStore } from '../../store/artifacts/artifact-store.ts';
import type { TrialExecutor, TrialHandle } from './executor.ts';
import type { TrialJob, TrialResult } from './trial-job.ts';
import { DEFAULT_PREFIX, DEFAULT_QUEUE, HEARTBEAT_TTL_S, queueKeys, redisOptions, type QueuedProgress, type QueuedTrial, type TrialQueueAddress, type WorkerHeartbeat } from './trial-queue.ts';

export interface QueueTrialWorkerOptions extends TrialQueueAddress {
  /** Runs the trials this worker takes (local worker processes; its size is the worker's concurrency). */
  readonly executor: TrialExecutor;
  /** Fetches a trial's data by content hash when the job names it (cached locally by the store). */
  readonly artifacts?: ArtifactStore;
  /** The native engine's threads per trial; default this machine's cores over the concurrency. */
  readonly threads: number;
  /** Shown by `deepline workers`; default host-pid-random. */
  readonly id?: string;
  /** BullMQ's job lock (ms): a worker silent for this long has its job treated as stalled. */
  readonly lockMs?: number;
  /** How often this worker looks for stalled jobs of dead workers (ms). */
  readonly stalledIntervalMs?: number;
  /** Stalls after which a job fails instead of being re-queued (BullMQ's maxStalledCount, default 1). */
  readonly maxStalledCount?: number;
  /** A trial whose driver's liveness key has been gone this long (ms) is stopped. */
  readonly driverGraceMs?: number;
  /** Called as a trial's training is handed to the executor (for metrics). */
  onTrialStart?(): void;
  /** Called as each trial ends, after its result is returned to the queue (for metrics). */
  onTrialEnd?(result: TrialResult): void;
  /** Called per trial-epoch (for metrics). */
  onEpoch?(): void;
}

interface Current {
  readonly trialId: number;
  readonly jobId: string;
  readonly driver: string;
  readonly since: string;
  epoch: number;
  handle?: TrialHandle;
  stopRequested: boolean;
}

/**
 * One `deepline worker`: takes trial jobs from the BullMQ queue (as many at once as its executor
 * runs), fetches their data by hash, runs them on local worker processes, reports each epoch as
 * job progress and returns the trial's result as the job's. It stops a trial when its driver asks
 * (Redis channel, or key) or has been gone for a while; it keeps a heartbeat key that `deepline
 * workers` lists. When it is killed, BullMQ's stalled-job check of another worker re-queues its jobs.
 */
export class QueueTrialWorker {
  readonly id: string;
  readonly #options: QueueTrialWorkerOptions;
  readonly #address: TrialQueueAddress;
  readonly #keys: ReturnType<typeof queueKeys>;
  readonly #worker: Worker;
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  readonly #current = new Map<string, Current>();
  readonly #driverMissingSince = new Map<string, number>();
  readonly #finished: Partial<Record<TrialResult['state'], number>> = {};
  readonly #startedAt = Date.now();
  readonly #timer: NodeJS.Timeout;
  #epochs = 0;
  #closing?: Promise<void>;

  constructor(options: QueueTrialWorkerOptions) {
    this.#options = options;
    this.id = options.id ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
    this.#address = { redis: options.redis, prefix: options.prefix ?? DEFAULT_PREFIX, queue: options.queue ?? DEFAULT_QUEUE };
    this.#keys = queueKeys(this.#address);
    const connection = redisOptions(options.redis, '--redis');
    this.#redis = new Redis(connection);
    this.#subscriber = new Redis(connection);
    this.#redis.on('error', () => undefined);
    this.#subscriber.on('error', () => undefined);
    // ioredis re-subscribes after a reconnect, so stops keep arriving across a Redis restart.
    void this.#subscriber.subscribe(this.#keys.stopChannel).catch(() => undefined);
    this.#subscriber.on('message', (_channel: string, jobId: string) => this.#stopJob(jobId));
    this.#worker = new Worker(this.#address.queue!, (job) => this.#process(job), {
      connection,
      prefix: this.#address.prefix!,
      concurrency: options.executor.size,
      lockDuration: options.lockMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? options.lockMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 1,
    });
    this.#worker.on('error', () => undefined);
    this.#timer = setInterval(() => void this.#beat(), (HEARTBEAT_TTL_S * 1000) / 3);
    void this.#beat();
  }

  /** The worker's heartbeat, as `deepline workers` reads it. */
  heartbeat(): WorkerHeartbeat {
    const minutes = Math.max((Date.now() - this.#startedAt) / 60_000, 1e-9);
    return {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      concurrency: this.#options.executor.size,
      threads: this.#options.threads,
      startedAt: new Date(this.#startedAt).toISOString(),
      current: [...this.#current.values()].map((c) => ({ trialId: c.trialId, jobId: c.jobId, epoch: c.epoch, since: c.since })),
      finished: { ...this.#finished },
      epochs: this.#epochs,
      epochsPerMinute: this.#epochs / minutes,
    };
  }

  /** Resolves once BullMQ's worker is connected and taking jobs. */
  async ready(): Promise<void> {
    await this.#worker.waitUntilReady();
  }

  /** Takes no more jobs, stops the running trials (they go back to the queue as stalled ones would not: they end `stopped`), closes. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#timer);
      const closing = this.#worker.close();
      for (const current of this.#current.values()) current.handle?.stop();
      await closing;
      await this.#options.executor.close();
      await this.#redis.del(this.#keys.workerKey(this.id)).catch(() => undefined);
      this.#subscriber.disconnect();
      this.#redis.disconnect();
    })();
    return this.#closing;
  }

  async #process(job: Job<QueuedTrial, TrialResult>): Promise<TrialResult> {
    const { job: trial, driver } = job.data;
    const jobId = job.id!;
    const current: Current = { trialId: trial.trialId, jobId, driver, since: new Date().toISOString(), epoch: 0, stopRequested: false };
    if ((await this.#redis.exists(this.#keys.stopKey(jobId))) === 1) return stopped(trial);
    this.#current.set(jobId, current);
    try {
      const local = await this.#localJob(trial);
      const start: QueuedProgress = { type: 'start', worker: this.id, pid: process.pid, attempt: job.attemptsMade + 1 };
      await job.updateProgress(start).catch(() => undefined);
      this.#options.onTrialStart?.();
      const handle = this.#options.executor.submit(local, {
        onProgress: (progress) => {
          current.epoch = progress.epoch;
          this.#epochs++;
          this.#options.onEpoch?.();
          const epoch: QueuedProgress = { type: 'epoch', epoch: progress.epoch, values: progress.values };
          void job.updateProgress(epoch).catch(() => undefined);
          // `deepline workers` shows the epoch now, not at the next beat (up to 5 s on).
          void this.#publish();
        },
      });
      current.handle = handle;
      // A stop that came while the data loaded.
      if (current.stopRequested || (await this.#redis.exists(this.#keys.stopKey(jobId))) === 1) handle.stop();
      const result = await handle.result;
      this.#finished[result.state] = (this.#finished[result.state] ?? 0) + 1;
      this.#options.onTrialEnd?.(result);
      return { ...result, pid: process.pid };
    } finally {
      this.#current.delete(jobId);
    }
  }

  /** The job with local data folders (fetched by hash when the job names hashes) and this worker's threads. */
  async #localJob(job: TrialJob): Promise<TrialJob> {
    const store = this.#options.artifacts;
    const hashes = job.artifacts;
    let data = job.data;
    if (hashes && store) {
      const fetch = async (hash: string): Promise<string> => {
        const ref = await store.get(hash);
        // Thrown, not returned: the job is retried with backoff (the driver may still be storing it).
        if (!ref) throw new DeeplineError('DL_STORE', `the trial's data ${hash.slice(0, 12)} is not in the worker's artifact store`, { hint: 'give `deepline worker --store` the store the search driver writes to' });
        return store.localPath(ref);
      };
      const [train, validation] = await Promise.all([fetch(hashes.train), fetch(hashes.validation)]);
      data = { train, validation };
    }
    return { ...job, data, threads: this.#options.threads };
  }

  #stopJob(jobId: string): void {
    const current = this.#current.get(jobId);
    if (!current) return;
    current.stopRequested = true;
    current.handle?.stop();
  }

  /** Writes the heartbeat key; failures wait for the next beat. */
  async #publish(): Promise<void> {
    // A late epoch after close must not bring back the key close deleted.
    if (this.#closing) return;
    await this.#redis.set(this.#keys.workerKey(this.id), JSON.stringify(this.heartbeat()), 'EX', HEARTBEAT_TTL_S).catch(() => undefined);
  }

  async #beat(): Promise<void> {
    try {
      await this.#publish();
      // Trials of a driver that has been gone a while (killed) have no one to report to.
      const now = Date.now();
      for (const current of this.#current.values()) {
        const alive = (await this.#redis.exists(this.#keys.driverKey(current.driver))) === 1;
        if (alive) {
          this.#driverMissingSince.delete(current.driver);
          continue;
        }
        const since = this.#driverMissingSince.get(current.driver) ?? now;
        this.#driverMissingSince.set(current.driver, since);
        if (now - since >= (this.#options.driverGraceMs ?? 30_000)) this.#stopJob(current.jobId);
      }
    } catch {
      // Redis away: the next beat tries again.
    }
  }
}

function stopped(job: TrialJob): TrialResult {
  return { trialId: job.trialId, state: 'stopped', epochs: 0, durationMs: 0 };
}

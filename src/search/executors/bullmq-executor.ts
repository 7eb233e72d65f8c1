import { randomUUID } from 'node:crypto';
import { Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { TrialExecutor, TrialHandle, TrialListeners } from './executor.ts';
import type { TrialJob, TrialResult } from './trial-job.ts';
import { DEFAULT_PREFIX, DEFAULT_QUEUE, DRIVER_TTL_MS, queueKeys, redisOptions, type QueuedProgress, type QueuedTrial, type TrialQueueAddress } from './trial-queue.ts';

export interface BullmqExecutorOptions extends TrialQueueAddress {
  /** Trials queued or running at once (the search's `workers`); the rest wait here, in order. */
  readonly workers: number;
  /** Attempts per trial when a worker's processing throws (its data cannot be fetched, say). */
  readonly attempts?: number;
  /** First retry delay (ms), doubled per attempt. */
  readonly backoffMs?: number;
  /** How long `close()` waits for running trials to stop (ms). */
  readonly closeGraceMs?: number;
  /**
   * How often every job in flight is checked in Redis (ms): a result whose event was missed is
   * read there, and a job Redis lost (a restart without persistence) is queued again.
   */
  readonly reconcileMs?: number;
  /** Told when Redis has not answered within 10 s (trials wait for it meanwhile; none fails). */
  readonly onNotice?: (message: string) => void;
}

interface Pending {
  readonly job: TrialJob;
  readonly jobId: string;
  readonly listeners: TrialListeners;
  readonly resolve: (result: TrialResult) => void;
  readonly result: Promise<TrialResult>;
  done: boolean;
  /** Added to the queue (the add may still be on its way). */
  queued: boolean;
  started: boolean;
  /** The last epoch passed on: a retried attempt's epochs up to it are not reported twice. */
  epoch: number;
  stopping: boolean;
}

/**
 * Runs trials on `deepline worker` processes anywhere that reach the same Redis, through a BullMQ
 * queue: at most `workers` jobs are queued or running at once (so a stopped trial that has not
 * been queued yet never reaches a worker); progress comes back as job progress, a stop goes out
 * on a Redis channel (and a key, for a worker that has not taken the job yet), and a job whose
 * worker dies is re-queued by BullMQ's stalled-job check or failed once it stalled too often.
 * The driver keeps a liveness key while it is open, so workers drop the trials of a driver that
 * was killed; a rerun driver asks the study again and queues new jobs.
 */
export class BullmqExecutor implements TrialExecutor {
  readonly size: number;
  /** This driver's id: its jobs are `<id>.<trialId>`. */
  readonly driver = randomUUID();
  readonly #address: TrialQueueAddress;
  readonly #attempts: number;
  readonly #backoffMs: number;
  readonly #closeGraceMs: number;
  readonly #queue: Queue;
  #events?: QueueEvents;
  readonly #redis: Redis;
  readonly #waiting: Pending[] = [];
  readonly #inFlight = new Map<string, Pending>();
  readonly #timers: NodeJS.Timeout[] = [];
  /** Jobs are queued only once the event stream is read, or a fast trial's start could be missed. */
  readonly #listening: Promise<unknown>;
  #closed = false;

  constructor(options: BullmqExecutorOptions) {
    this.size = Math.max(1, Math.floor(options.workers));
    this.#address = { redis: options.redis, prefix: options.prefix ?? DEFAULT_PREFIX, queue: options.queue ?? DEFAULT_QUEUE };
    this.#attempts = options.attempts ?? 3;
    this.#backoffMs = options.backoffMs ?? 2_000;
    this.#closeGraceMs = options.closeGraceMs ?? 10_000;
    const connection = redisOptions(options.redis);
    const prefix = this.#address.prefix!;
    this.#queue = new Queue(this.#address.queue!, { connection, prefix });
    this.#redis = new Redis(connection);
    // Errors while Redis is away are retried by the clients; an unhandled 'error' event would end the process.
    this.#queue.on('error', () => undefined);
    this.#redis.on('error', () => undefined);
    this.#listening = this.#listen(connection, prefix).catch(() => undefined);
    const keys = queueKeys(this.#address);
    const beat = (): void => void this.#redis.set(keys.driverKey(this.driver), String(process.pid), 'PX', DRIVER_TTL_MS).catch(() => undefined);
    beat();
    this.#timers.push(setInterval(beat, DRIVER_TTL_MS / 3));
    this.#timers.push(setInterval(() => void this.#reconcile(), options.reconcileMs ?? 2_000));
    // Commands wait for Redis rather than fail (it may be restarting): say so when it stays away.
    const silent = setTimeout(() => options.onNotice?.(`the bullmq executor cannot reach Redis at ${options.redis}; trials wait until it answers (is Redis up, and is executor.redis or DEEPLINE_REDIS_URL right?)`), 10_000);
    this.#redis.once('ready', () => clearTimeout(silent));
    this.#timers.push(silent);
    for (const timer of this.#timers) timer.unref();
  }

  submit(job: TrialJob, listeners: TrialListeners = {}): TrialHandle {
    let settle!: (result: TrialResult) => void;
    const result = new Promise<TrialResult>((r) => (settle = r));
    const pending: Pending = {
      job,
      jobId: `${this.driver}.${job.trialId}`,
      listeners,
      result,
      done: false,
      queued: false,
      started: false,
      epoch: 0,
      stopping: false,
      resolve: (r) => {
        if (pending.done) return;
        pending.done = true;
        this.#inFlight.delete(pending.jobId);
        settle(r);
        this.#dispatch();
      },
    };
    if (this.#closed) pending.resolve(failed(job, 'the executor is closed'));
    else {
      this.#waiting.push(pending);
      this.#dispatch();
    }
    return { trialId: job.trialId, result, stop: () => void this.#stop(pending) };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const pending of this.#waiting.splice(0)) pending.resolve(stopped(pending.job));
    const running = [...this.#inFlight.values()];
    await within(3_000, Promise.all(running.map((p) => this.#stop(p))));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => (timer = setTimeout(r, this.#closeGraceMs)));
    await Promise.race([Promise.all(running.map((p) => p.result)), grace]);
    clearTimeout(timer);
    for (const p of running) p.resolve(failed(p.job, `the trial did not stop within ${this.#closeGraceMs} ms of the search closing`));
    this.#timers.forEach((timer) => clearTimeout(timer));
    // Commands wait for an absent Redis: a close gives them a few seconds, then lets go.
    await within(3_000, this.#redis.del(queueKeys(this.#address).driverKey(this.driver)));
    await within(3_000, Promise.allSettled([this.#events?.close(), this.#queue.close()]));
    this.#redis.disconnect();
    this.#events?.disconnect().catch(() => undefined);
    this.#queue.disconnect().catch(() => undefined);
  }

  /**
   * Reads the queue's event stream from its current end as of now, not from wherever the end is
   * when the reader's first blocking read goes out: events of a job queued in between (a fast
   * trial's start) would otherwise be lost.
   */
  async #listen(connection: ReturnType<typeof redisOptions>, prefix: string): Promise<void> {
    const [last] = await this.#redis.xrevrange(`${prefix}:${this.#address.queue}:events`, '+', '-', 'COUNT', 1);
    const events = new QueueEvents(this.#address.queue!, { connection, prefix, lastEventId: last?.[0] ?? '0-0' });
    this.#events = events;
    events.on('error', () => undefined);
    events.on('progress', ({ jobId, data }) => this.#progress(jobId, data as QueuedProgress));
    events.on('completed', ({ jobId, returnvalue }) => this.#settle(jobId, parseResult(returnvalue)));
    events.on('failed', ({ jobId, failedReason }) => this.#failed(jobId, failedReason));
    if (this.#closed) await events.close();
    else await events.waitUntilReady();
  }

  #dispatch(): void {
    while (!this.#closed && this.#inFlight.size < this.size && this.#waiting.length > 0) {
      const pending = this.#waiting.shift()!;
      this.#inFlight.set(pending.jobId, pending);
      void this.#enqueue(pending);
    }
  }

  async #enqueue(pending: Pending): Promise<void> {
    const payload: QueuedTrial = { job: pending.job, driver: this.driver };
    try {
      await this.#listening;
      await this.#queue.add('trial', payload, {
        jobId: pending.jobId,
        attempts: this.#attempts,
        backoff: { type: 'exponential', delay: this.#backoffMs },
        // Finished jobs stay a while so a driver that missed the event still reads the result.
        removeOnComplete: { age: 3_600 },
        removeOnFail: { age: 24 * 3_600 },
      });
      pending.queued = true;
    } catch (e) {
      pending.resolve(failed(pending.job, `could not queue the trial on ${this.#address.redis}: ${(e as Error).message}`));
    }
  }

  #progress(jobId: string, data: QueuedProgress): void {
    const pending = this.#inFlight.get(jobId);
    if (!pending || pending.done || typeof data !== 'object' || data === null) return;
    if (data.type === 'start') {
      if (pending.started) return;
      pending.started = true;
      pending.listeners.onStart?.({ trialId: pending.job.trialId, pid: data.pid });
    } else if (data.type === 'epoch' && data.epoch > pending.epoch) {
      pending.epoch = data.epoch;
      pending.listeners.onProgress?.({ trialId: pending.job.trialId, epoch: data.epoch, values: data.values });
    }
  }

  #settle(jobId: string, result: TrialResult | undefined): void {
    const pending = this.#inFlight.get(jobId);
    if (!pending) return;
    if (!result) return pending.resolve(failed(pending.job, 'the worker returned no trial result'));
    // A stop that raced a worker taking the job still ends the trial as stopped.
    pending.resolve({ ...result, trialId: pending.job.trialId });
  }

  #failed(jobId: string, reason: string): void {
    const pending = this.#inFlight.get(jobId);
    if (pending) pending.resolve(failed(pending.job, `the trial's job failed: ${reason}`));
  }

  async #stop(pending: Pending): Promise<void> {
    if (pending.done) return;
    const queued = this.#waiting.indexOf(pending);
    if (queued !== -1) {
      this.#waiting.splice(queued, 1);
      return pending.resolve(stopped(pending.job));
    }
    pending.stopping = true;
    const keys = queueKeys(this.#address);
    try {
      // The key reaches a worker that takes the job later; the channel one that runs it now.
      await this.#redis.set(keys.stopKey(pending.jobId), '1', 'EX', 24 * 3_600);
      await this.#redis.publish(keys.stopChannel, pending.jobId);
      // A job no worker has taken yet is removed outright; an active one is locked and stays.
      const job = await Job.fromId(this.#queue, pending.jobId);
      if (job && (await job.isWaiting() || await job.isDelayed())) {
        await job.remove();
        pending.resolve(stopped(pending.job));
      }
    } catch {
      // Locked by a worker that took it meanwhile: the channel and key stop it.
    }
  }

  /** Reads what the events may have missed: results, and jobs Redis no longer has. */
  async #reconcile(): Promise<void> {
    for (const pending of [...this.#inFlight.values()]) {
      if (pending.done || !pending.queued) continue;
      try {
        const state = await this.#queue.getJobState(pending.jobId);
        if (state === 'completed') {
          const job = await Job.fromId(this.#queue, pending.jobId);
          this.#settle(pending.jobId, job ? parseResult(job.returnvalue) : undefined);
        } else if (state === 'failed') {
          const job = await Job.fromId(this.#queue, pending.jobId);
          this.#failed(pending.jobId, job?.failedReason ?? 'unknown reason');
        } else if (state === 'unknown') {
          if (pending.stopping) pending.resolve(stopped(pending.job));
          else {
            // Redis lost it (restarted without persistence): the trial runs again from its start.
            pending.queued = false;
            pending.started = false;
            await this.#enqueue(pending);
          }
        }
      } catch {
        // Redis unreachable: the next round tries again.
      }
    }
  }
}

async function within(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

function parseResult(value: unknown): TrialResult | undefined {
  const parsed = typeof value === 'string' ? safeParse(value) : value;
  return parsed && typeof parsed === 'object' && 'state' in parsed ? (parsed as TrialResult) : undefined;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function failed(job: TrialJob, error: string): TrialResult {
  return { trialId: job.trialId, state: 'failed', epochs: 0, error, durationMs: 0 };
}

function stopped(job: TrialJob): TrialResult {
  return { trialId: job.trialId, state: 'stopped', epochs: 0, durationMs: 0 };
}

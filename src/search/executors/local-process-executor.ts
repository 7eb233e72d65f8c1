import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { TrialExecutor, TrialHandle, TrialListeners } from './executor.ts';
import type { TrialJob, TrialResult } from './trial-job.ts';
import type { FromWorker, ToWorker } from './worker-messages.ts';

export interface LocalProcessExecutorOptions {
  /** Worker processes; default one per core (`os.availableParallelism()`). */
  readonly workers?: number;
  /** How long `close()` waits for running trials to stop before killing their workers (ms). */
  readonly closeGraceMs?: number;
  /**
   * Receives the notices workers send (each worker sends its own, e.g. the engine it fell back
   * to); default: each distinct message once on stderr.
   */
  readonly onNotice?: (message: string) => void;
  /** Plugin module paths each worker loads before its first trial. */
  readonly plugins?: readonly string[];
}

interface Pending {
  readonly job: TrialJob;
  readonly listeners: TrialListeners;
  readonly resolve: (result: TrialResult) => void;
  readonly result: Promise<TrialResult>;
  done: boolean;
}

interface Worker {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  /** Settles when the worker says it has booted, or when it exits. */
  readonly booted: Promise<void>;
  readonly setBooted: () => void;
  current?: Pending;
}

// The worker is an entry point of its own (src/workers/): trial-worker.js in the compiled CLI, trial-worker.ts (run
// through tsx) when deepline runs from its sources, as in development and tests.
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const WORKER_ENTRY = fileURLToPath(new URL(FROM_SOURCES ? '../../workers/trial-worker.ts' : '../../workers/trial-worker.js', import.meta.url));

/**
 * Runs trials in `workers` child processes on this machine, each with its own engine and its own
 * data-set cache, talking over Node IPC. Jobs wait in submission order while every worker is busy;
 * a worker that dies fails its trial and is replaced, so the executor keeps its size.
 */
export class LocalProcessExecutor implements TrialExecutor {
  readonly size: number;
  readonly #closeGraceMs: number;
  readonly #onNotice: (message: string) => void;
  readonly #plugins: readonly string[];
  readonly #workers = new Set<Worker>();
  readonly #queue: Pending[] = [];
  #closed = false;

  constructor(options: LocalProcessExecutorOptions = {}) {
    this.size = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
    this.#closeGraceMs = options.closeGraceMs ?? 5_000;
    this.#plugins = options.plugins ?? [];
    this.#onNotice = options.onNotice ?? onceEach((message) => process.stderr.write(`${message}\n`));
    for (let i = 0; i < this.size; i++) this.#spawn();
  }

  /** Process ids of the live workers (for tests and diagnostics). */
  get pids(): number[] {
    return [...this.#workers].map((w) => w.child.pid).filter((pid): pid is number => pid !== undefined);
  }

  submit(job: TrialJob, listeners: TrialListeners = {}): TrialHandle {
    let settle!: (result: TrialResult) => void;
    const result = new Promise<TrialResult>((r) => (settle = r));
    // A handle settles once: a late worker message after a crash or a close is ignored.
    const resolve = (r: TrialResult): void => {
      if (pending.done) return;
      pending.done = true;
      settle(r);
    };
    const pending: Pending = { job, listeners, result, done: false, resolve };
    if (this.#closed) {
      pending.resolve(failed(job, 'the executor is closed'));
    } else {
      this.#queue.push(pending);
      this.#dispatch();
    }
    return { trialId: job.trialId, result, stop: () => this.#stop(pending) };
  }

  /** Waits for the workers there are now; one that dies while booting counts as done (its replacement boots during its first trial). */
  async ready(): Promise<void> {
    await Promise.all([...this.#workers].map((w) => w.booted));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const pending of this.#queue.splice(0)) pending.resolve(stopped(pending.job));
    const running = [...this.#workers].flatMap((w) => (w.current ? [w.current] : []));
    running.forEach((p) => this.#stop(p));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => (timer = setTimeout(r, this.#closeGraceMs)));
    await Promise.race([Promise.all(running.map((p) => p.result)), grace]);
    clearTimeout(timer);
    await Promise.all(
      [...this.#workers].map((w) => {
        // A worker still busy after the grace period is killed; an idle one exits on disconnect.
        if (w.current) w.child.kill('SIGKILL');
        else if (w.child.connected) w.child.disconnect();
        return w.exited;
      }),
    );
  }

  #spawn(): void {
    const child = fork(WORKER_ENTRY, [JSON.stringify(this.#plugins)], {
      // Resolved from here, not from the user's working directory, so deepline finds its own tsx.
      execArgv: FROM_SOURCES ? ['--import', import.meta.resolve('tsx')] : [],
      // Worker stdout goes to our stderr: a CLI's stdout (JSON, reports) stays the CLI's own.
      stdio: ['ignore', 2, 2, 'ipc'],
      serialization: 'advanced',
    });
    let exited!: () => void;
    let setBooted!: () => void;
    const booted = new Promise<void>((r) => (setBooted = r));
    const worker: Worker = { child, exited: new Promise<void>((r) => (exited = r)), booted, setBooted };
    void worker.exited.then(setBooted);
    this.#workers.add(worker);
    child.on('message', (message: FromWorker) => this.#receive(worker, message));
    const gone = (why: string): void => {
      if (!this.#workers.delete(worker)) return;
      exited();
      const current = worker.current;
      worker.current = undefined;
      current?.resolve(failed(current.job, `worker ${child.pid ?? '?'} ${why}`, child.pid));
      if (!this.#closed) {
        this.#spawn();
        this.#dispatch();
      }
    };
    child.on('exit', (code, signal) => gone(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    child.on('error', (e) => {
      gone(`failed: ${e.message}`);
      child.kill('SIGKILL');
    });
  }

  #receive(worker: Worker, message: FromWorker): void {
    if (message.type === 'notice') return this.#onNotice(message.message);
    if (message.type === 'ready') return worker.setBooted();
    const current = worker.current;
    if (!current) return;
    switch (message.type) {
      case 'start':
        if (message.trialId === current.job.trialId) current.listeners.onStart?.({ trialId: message.trialId, pid: message.pid });
        return;
      case 'progress':
        if (message.trialId === current.job.trialId) current.listeners.onProgress?.({ trialId: message.trialId, epoch: message.epoch, values: message.values });
        return;
      case 'result':
        if (message.result.trialId !== current.job.trialId) return;
        worker.current = undefined;
        current.resolve(message.result);
        this.#dispatch();
    }
  }

  #dispatch(): void {
    for (const worker of this.#workers) {
      if (this.#queue.length === 0) return;
      if (worker.current || !worker.child.connected) continue;
      const next = this.#queue.shift()!;
      worker.current = next;
      this.#send(worker, { type: 'run', job: next.job });
    }
  }

  #stop(pending: Pending): void {
    if (pending.done) return;
    const queued = this.#queue.indexOf(pending);
    if (queued !== -1) {
      this.#queue.splice(queued, 1);
      pending.resolve(stopped(pending.job));
      return;
    }
    for (const worker of this.#workers) {
      if (worker.current === pending) this.#send(worker, { type: 'stop', trialId: pending.job.trialId });
    }
  }

  #send(worker: Worker, message: ToWorker): void {
    // A send to a worker that just died fails; its exit handler fails the trial and replaces it.
    if (worker.child.connected) worker.child.send(message, () => undefined);
  }
}

function onceEach(say: (message: string) => void): (message: string) => void {
  const said = new Set<string>();
  return (message) => {
    if (said.has(message)) return;
    said.add(message);
    say(message);
  };
}

function failed(job: TrialJob, error: string, pid?: number): TrialResult {
  return { trialId: job.trialId, state: 'failed', epochs: 0, error, durationMs: 0, ...(pid !== undefined ? { pid } : {}) };
}

function stopped(job: TrialJob): TrialResult {
  return { trialId: job.trialId, state: 'stopped', epochs: 0, durationMs: 0 };
}

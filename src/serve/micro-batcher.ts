export interface MicroBatcherOptions<I, O> {
  /** The most items run together. 1 turns batching off. */
  readonly maxBatch: number;
  /** How long the first item of a batch may wait for others, in ms. 0: run what is there at once. */
  readonly maxWaitMs: number;
  /** Runs one batch; returns one result per item, in order. */
  readonly run: (items: readonly I[]) => Promise<readonly O[]>;
  /** Called after each batch, for metrics. */
  readonly onBatch?: (size: number, ms: number) => void;
  /** Timer functions, injectable for tests. */
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
}

interface Waiting<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Dynamic micro-batching: requests that arrive within `maxWaitMs` of each other run as one batch
 * of up to `maxBatch`. One batch runs at a time; what arrives meanwhile forms the next batch,
 * which starts as soon as the running one ends (its items have waited already). Under load the
 * batches fill up and the wait costs nothing; alone, a request waits at most `maxWaitMs`.
 */
export class MicroBatcher<I, O> {
  private readonly options: MicroBatcherOptions<I, O>;
  private pending: Waiting<I, O>[] = [];
  private timer: unknown;
  private running: Promise<void> | undefined;
  private readonly idle: (() => void)[] = [];

  constructor(options: MicroBatcherOptions<I, O>) {
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1) throw new RangeError(`maxBatch must be a whole number >= 1, but got ${options.maxBatch}`);
    if (!(options.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be >= 0, but got ${options.maxWaitMs}`);
    this.options = options;
  }

  /** Items waiting for a batch (not counting the one running). */
  get queued(): number {
    return this.pending.length;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every submitted item has its answer. */
  drain(): Promise<void> {
    if (this.pending.length === 0 && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.running) return; // the running batch starts the next one when it ends
    const full = this.pending.length >= this.options.maxBatch;
    if (full || this.options.maxWaitMs === 0) {
      this.flush();
    } else if (this.timer === undefined) {
      this.timer = (this.options.setTimer ?? setTimeout)(() => {
        this.timer = undefined;
        this.flush();
      }, this.options.maxWaitMs);
    }
  }

  private flush(): void {
    if (this.timer !== undefined) {
      (this.options.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout)))(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length === 0) {
      this.settleIdle();
      return;
    }
    const batch = this.pending.slice(0, this.options.maxBatch);
    this.pending = this.pending.slice(batch.length);
    const started = performance.now();
    this.running = this.runBatch(batch).finally(() => {
      this.options.onBatch?.(batch.length, performance.now() - started);
      this.running = undefined;
      // What arrived meanwhile has waited long enough: it goes now, full or not.
      if (this.pending.length > 0) this.flush();
      else this.settleIdle();
    });
  }

  private async runBatch(batch: readonly Waiting<I, O>[]): Promise<void> {
    try {
      const results = await this.options.run(batch.map((w) => w.item));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} gave ${results.length} results`);
      batch.forEach((w, k) => w.resolve(results[k]!));
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  }

  private settleIdle(): void {
    for (const resolve of this.idle.splice(0)) resolve();
  }
}

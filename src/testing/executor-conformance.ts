import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { saveDataset, type Dataset } from '../data/dataset.ts';
import { createSeededRandom } from '../seed/seeded-random.ts';
import type { TrialExecutor, TrialHandle, TrialListeners } from '../search/executors/executor.ts';
import type { TrialJob, TrialProgress, TrialResult, TrialStart } from '../search/executors/trial-job.ts';

/** An executor under test, and what the suite cannot do through the TrialExecutor interface. */
export interface ExecutorFixture {
  readonly executor: TrialExecutor;
  /** Ends whatever runs the trial that sent `start` as a crash would: kill its process, lose its queue worker. */
  crash(start: TrialStart): void;
  /** Releases what `close()` leaves (a queue, a connection); the suite has closed the executor, or tried to. */
  dispose(): Promise<void>;
}

/** A fresh executor that runs `size` trials at once; its workers must reach the suite's temporary folder. */
export type ExecutorFactory = (options: { readonly size: number }) => Promise<ExecutorFixture>;

/** A trial that runs until stopped: far more epochs than a test waits for, and no early stopping. */
const FOREVER = 1_000_000;

/** Writes a tiny two-class problem (class = whether x0 > x1), small enough that an epoch takes milliseconds. */
async function writeData(dir: string): Promise<TrialJob['data']> {
  const rng = createSeededRandom(3);
  const make = (n: number): Dataset => {
    const x = new Float32Array(n * 3);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 3; j++) x[i * 3 + j] = rng.next() * 2 - 1;
      y[i] = x[i * 3] > x[i * 3 + 1] ? 1 : 0;
    }
    return { n, featureShape: [3], x, y, target: { kind: 'class', name: 'label', classes: ['no', 'yes'] } };
  };
  const data = { train: join(dir, 'train'), validation: join(dir, 'validation') };
  await saveDataset(data.train, make(48));
  await saveDataset(data.validation, make(16));
  return data;
}

/** What one submitted trial went through, in the order the listeners and the handle said it. */
interface Watched {
  readonly handle: TrialHandle;
  readonly events: string[];
  readonly progress: TrialProgress[];
  starts: TrialStart[];
  settled?: TrialResult;
  /** Resolves at the trial's first progress report. */
  readonly progressed: Promise<void>;
}

function watch(executor: TrialExecutor, job: TrialJob, extra: TrialListeners = {}): Watched {
  let progressed!: () => void;
  const watched: Watched = { handle: undefined as unknown as TrialHandle, events: [], progress: [], starts: [], progressed: new Promise((r) => (progressed = r)) };
  const handle = executor.submit(job, {
    onStart(start) {
      watched.starts.push(start);
      watched.events.push('start');
      extra.onStart?.(start);
    },
    onProgress(p) {
      watched.progress.push(p);
      watched.events.push(`epoch ${p.epoch}`);
      progressed();
      extra.onProgress?.(p);
    },
  });
  (watched as { handle: TrialHandle }).handle = handle;
  // A handle never rejects: a rejection fails the test that awaits it.
  void handle.result.then((r) => {
    watched.settled = r;
    watched.events.push(`result ${r.state}`);
  });
  return watched;
}

/**
 * The contract every TrialExecutor must meet (see executor.ts), through that interface alone so
 * that a queue-backed executor runs it as the local one does: each job gets one result with its
 * trialId, after its start and its epochs; at most `size` run at once; `stop()` ends a queued
 * job before it starts and a running one at its next batch, as `stopped`; a job that throws or
 * a worker that crashes fails that trial only, and the executor keeps its size; `close()` settles
 * every handle, and a job submitted after it fails at once. Jobs train a tiny MLP on the `cpu` engine;
 * the time limits leave room for a queue-backed executor whose workers start as processes on a busy machine.
 */
export function executorConformance(label: string, factory: ExecutorFactory): void {
  let data: TrialJob['data'];
  const job = (trialId: number, epochs: number, extra: Partial<TrialJob> = {}): TrialJob => ({
    trialId,
    genome: { family: 'mlp', hidden: [4], dropout: 0, batchNorm: false, activation: 'relu' },
    training: { epochs, batchSize: 16, learningRate: 0.05, patience: epochs },
    data,
    seed: trialId,
    engine: 'cpu',
    ...extra,
  });

  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deepline-executor-conformance-'));
    data = await writeData(dir);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  describe(`TrialExecutor conformance: ${label}`, { timeout: 300_000 }, () => {
    let fixture: ExecutorFixture;
    let executor: TrialExecutor;
    before(async () => {
      fixture = await factory({ size: 2 });
      executor = fixture.executor;
    });
    after(async () => {
      try {
        await executor?.close();
      } finally {
        await fixture?.dispose();
      }
    });

    it('runs as many trials at once as it was made for', () => {
      assert.equal(executor.size, 2);
    });

    it('gives each job one result with its trialId, after its start and one progress report per epoch', async () => {
      let running = 0;
      let most = 0;
      const trials = [11, 12, 13].map((id) =>
        watch(executor, job(id, 3), {
          onStart: () => (most = Math.max(most, ++running)),
        }),
      );
      trials.forEach((t) => void t.handle.result.then(() => running--));
      const results = await Promise.all(trials.map((t) => t.handle.result));
      assert.ok(most <= executor.size, `${most} trials ran at once on an executor of size ${executor.size}`);
      results.forEach((result, k) => {
        const { handle, events, progress, starts } = trials[k];
        assert.equal(handle.trialId, 11 + k);
        assert.equal(result.trialId, 11 + k);
        assert.equal(result.state, 'complete', result.error);
        assert.equal(result.epochs, 3);
        assert.deepEqual(events, ['start', 'epoch 1', 'epoch 2', 'epoch 3', 'result complete']);
        assert.ok(progress.every((p) => p.trialId === 11 + k && p.values.length === 3 && p.values.every(Number.isFinite)));
        assert.equal(starts[0].trialId, 11 + k);
        assert.equal(result.values?.length, 3);
        assert.ok(result.values!.every(Number.isFinite), `values [${result.values?.join(', ')}]`);
        assert.deepEqual(result.values, [result.objectives!.error, result.objectives!.latencyMs, result.objectives!.params]);
        assert.ok(result.bestEpoch !== undefined && result.bestEpoch >= 1 && result.bestEpoch <= 3);
        assert.ok(result.durationMs >= 0);
      });
    });

    it('stops a queued job before it starts, and a running one at its next batch, as stopped', async () => {
      const running = [21, 22].map((id) => watch(executor, job(id, FOREVER)));
      const queued = watch(executor, job(23, FOREVER));
      queued.handle.stop();
      const early = await queued.handle.result;
      assert.equal(early.trialId, 23);
      assert.equal(early.state, 'stopped');
      assert.equal(early.epochs, 0);
      await Promise.all(running.map((t) => t.progressed));
      running.forEach((t) => t.handle.stop());
      for (const result of await Promise.all(running.map((t) => t.handle.result))) {
        assert.equal(result.state, 'stopped', result.error);
        assert.ok(result.epochs >= 1 && result.epochs < FOREVER, `stopped after ${result.epochs} epochs`);
        // Stopped after an epoch: the last epoch's objectives.
        assert.equal(result.values?.length, 3);
      }
      assert.deepEqual(queued.starts, [], 'a job stopped in the queue never starts');
      assert.deepEqual(queued.progress, []);
      // stop() after the end does nothing.
      for (const t of [...running, queued]) {
        const before = await t.handle.result;
        t.handle.stop();
        assert.equal(await t.handle.result, before);
      }
    });

    it('fails a job that throws, and only that job', async () => {
      const bad = watch(executor, job(31, 2, { genome: { family: 'mlp', hidden: [-3] } }));
      const good = watch(executor, job(32, 2));
      const [failed, complete] = await Promise.all([bad.handle.result, good.handle.result]);
      assert.equal(failed.trialId, 31);
      assert.equal(failed.state, 'failed');
      assert.ok(failed.error && failed.error.length > 0, 'a failed result says why');
      assert.equal(complete.state, 'complete', complete.error);
    });

    it('fails the trial of a crashed worker, and only that trial, and keeps its size', async () => {
      const victim = watch(executor, job(41, FOREVER), { onStart: (start) => fixture.crash(start) });
      const bystander = watch(executor, job(42, 2));
      const crashed = await victim.handle.result;
      assert.equal(crashed.trialId, 41);
      assert.equal(crashed.state, 'failed');
      assert.ok(crashed.error && crashed.error.length > 0, 'a failed result says why');
      assert.equal((await bystander.handle.result).state, 'complete');
      // As many trials as before run side by side: each reports an epoch while none has ended.
      const next = Array.from({ length: executor.size }, (_, i) => watch(executor, job(43 + i, FOREVER)));
      await Promise.all(next.map((t) => t.progressed));
      assert.ok(next.every((t) => t.settled === undefined));
      next.forEach((t) => t.handle.stop());
      for (const result of await Promise.all(next.map((t) => t.handle.result))) assert.equal(result.state, 'stopped', result.error);
    });
  });

  describe(`TrialExecutor conformance: ${label}, closing`, { timeout: 300_000 }, () => {
    it('settles every handle on close(), and fails a job submitted after it', async () => {
      const fixture = await factory({ size: 1 });
      const executor = fixture.executor;
      try {
        assert.equal(executor.size, 1);
        const running = watch(executor, job(51, FOREVER));
        const queued = watch(executor, job(52, FOREVER));
        await running.progressed;
        await executor.close();
        assert.equal(running.settled?.state, 'stopped', `running trial: ${JSON.stringify(running.settled)}`);
        assert.equal(queued.settled?.state, 'stopped', `queued trial: ${JSON.stringify(queued.settled)}`);
        assert.deepEqual(queued.starts, []);
        const late = watch(executor, job(53, 2));
        const result = await late.handle.result;
        assert.equal(result.trialId, 53);
        assert.equal(result.state, 'failed');
        assert.ok(result.error && result.error.length > 0, 'a failed result says why');
        assert.deepEqual(late.starts, []);
        await executor.close();
      } finally {
        await executor.close();
        await fixture.dispose();
      }
    });
  });
}

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { TrialExecutor, TrialHandle, TrialListeners } from '../../../src/search/executors/executor.ts';
import { runTrials } from '../../../src/search/executors/run-study-trials.ts';
import type { TrialJob, TrialResult } from '../../../src/search/executors/trial-job.ts';
import { randomSampler } from '../../../src/search/samplers/random-sampler.ts';
import { createStudy } from '../../../src/search/study.ts';
import { SqliteStudyStore } from '../../../src/store/metadata/sqlite-study-store.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'deepline-run-trials-deadline-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Trials that take `epochMs` per epoch of wall time, `size` at a time, reporting each epoch; a
 * trial whose time budget cannot hold its first `minEpochs` is rejected as too slow at once, as a
 * real worker rejects it after timing its first batches.
 */
class TimedExecutor implements TrialExecutor {
  readonly started: { at: number; budget: number | undefined }[] = [];
  #running = 0;
  readonly #epochMsOf: (trialId: number) => number;
  constructor(readonly size: number, epochMs: number, private readonly epochs: number, epochMsOf?: (trialId: number) => number) {
    this.#epochMsOf = epochMsOf ?? (() => epochMs);
  }

  submit(job: TrialJob, listeners: TrialListeners = {}): TrialHandle {
    let stopped = false;
    const result = (async (): Promise<TrialResult> => {
      this.#running++;
      assert.ok(this.#running <= this.size);
      const at = Date.now();
      this.started.push({ at, budget: job.timeBudgetMs });
      listeners.onStart?.({ trialId: job.trialId, pid: 1 });
      try {
        const epochMs = this.#epochMsOf(job.trialId);
        if (job.timeBudgetMs !== undefined && job.timeBudgetMs < (job.minEpochs ?? 1) * epochMs) {
          return { trialId: job.trialId, state: 'rejected', rejectedFor: 'time', epochs: 0, error: 'rejected: too slow for its time', durationMs: Date.now() - at };
        }
        for (let epoch = 1; epoch <= this.epochs; epoch++) {
          await delay(epochMs);
          if (stopped) return { trialId: job.trialId, state: 'stopped', epochs: epoch - 1, durationMs: Date.now() - at };
          listeners.onProgress?.({ trialId: job.trialId, epoch, values: [1 / epoch, 1, 100] } as never);
        }
        return { trialId: job.trialId, state: 'complete', epochs: this.epochs, values: [1 / this.epochs, 1, 100], durationMs: Date.now() - at } as TrialResult;
      } finally {
        this.#running--;
      }
    })();
    return { trialId: job.trialId, result, stop: () => void (stopped = true) };
  }

  async close(): Promise<void> {}
}

test('runTrials starts no trial once the time left is below the cheapest first rung measured, so none is rejected near the deadline', { timeout: 20_000 }, async () => {
  const store = new SqliteStudyStore(path.join(dir, 'study.db'));
  try {
    const study = await createStudy({
      store,
      name: 'deadline',
      space: { params: [{ name: 'x', kind: 'float', low: 0, high: 1 }] },
      sampler: randomSampler.create({}),
      objectives: [{ name: 'error', direction: 'minimize' }],
      seed: 3,
    });
    // First rung: 2 epochs of 150 ms. Trials of 3 epochs (450 ms) on 2 workers, 1.5 s in all.
    const executor = new TimedExecutor(2, 150, 3);
    const deadline = Date.now() + 1500;
    const summary = await runTrials({
      study,
      executor,
      deadline,
      jobFor: () => ({ genome: {}, training: { epochs: 3, batchSize: 8, learningRate: 0.1, patience: 3 }, data: { train: '', validation: '' }, seed: 1, engine: 'cpu', minEpochs: 2, timeBudgetMs: Math.max(1, deadline - Date.now()) }) as never,
    });
    assert.equal(summary.rejected, 0, `no trial is rejected for time: ${JSON.stringify(summary)}`);
    // Every trial started with at least one measured first rung (300 ms) left, or before any was measured.
    const firstRungAt = executor.started[0].at + 300;
    for (const s of executor.started) {
      if (s.at >= firstRungAt + 20) assert.ok(deadline - s.at > 250, `a trial started with ${deadline - s.at} ms left`);
    }
    // And the budget was used: the workers kept starting trials while a rung fit.
    assert.ok(summary.started >= 5, `${summary.started} trials started`);
    const trials = await study.trials();
    assert.ok(trials.every((t) => t.state === 'complete' || t.state === 'pruned'), trials.map((t) => `${t.state} ${t.error ?? ''}`).join(', '));
  } finally {
    await store.close();
  }
});

test('runTrials stops starting trials after two in a row are rejected for the time left, though a cheaper rung fits', { timeout: 20_000 }, async () => {
  const store = new SqliteStudyStore(path.join(dir, 'late.db'));
  try {
    const study = await createStudy({
      store,
      name: 'late',
      space: { params: [{ name: 'x', kind: 'float', low: 0, high: 1 }] },
      sampler: randomSampler.create({}),
      objectives: [{ name: 'error', direction: 'minimize' }],
      seed: 3,
    });
    // The first trial is cheap (a first rung of 2 × 50 ms) and completes; every later one needs
    // 2 × 600 ms, more than the time left once the first ends, but more than 100 ms is left.
    let firstId: number | undefined;
    const executor = new TimedExecutor(1, 50, 3, (trialId) => ((firstId ??= trialId) === trialId ? 50 : 600));
    const deadline = Date.now() + 1000;
    const summary = await runTrials({
      study,
      executor,
      deadline,
      jobFor: () => ({ genome: {}, training: { epochs: 3, batchSize: 8, learningRate: 0.1, patience: 3 }, data: { train: '', validation: '' }, seed: 1, engine: 'cpu', minEpochs: 2, timeBudgetMs: Math.max(1, deadline - Date.now()) }) as never,
    });
    assert.equal(summary.complete, 1);
    assert.equal(summary.rejected, 2, `two rejected, then none started: ${JSON.stringify(summary)}`);
    assert.equal(summary.started, 3);
  } finally {
    await store.close();
  }
});

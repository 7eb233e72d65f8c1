import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LocalProcessExecutor } from '../../../src/search/executors/local-process-executor.ts';
import type { TrialJob, TrialProgress, TrialStart } from '../../../src/search/executors/trial-job.ts';
import { writeTinyDataset } from './fixtures/write-tiny-dataset.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'deepline-executor-'));
let data: { train: string; validation: string };
let executor: LocalProcessExecutor;

before(async () => {
  data = await writeTinyDataset(dir);
  executor = new LocalProcessExecutor({ workers: 2 });
});
after(async () => {
  await executor?.close();
  rmSync(dir, { recursive: true, force: true });
});

const genome = { family: 'mlp', hidden: [8], dropout: 0, batchNorm: false, activation: 'relu' };
// 4 inputs → 8 hidden → 2 classes.
const PARAMS = 4 * 8 + 8 + 8 * 2 + 2;
const job = (trialId: number, epochs: number, extra: Partial<TrialJob> = {}): TrialJob => ({
  trialId,
  genome,
  training: { epochs, batchSize: 16, learningRate: 0.05, patience: epochs },
  data,
  seed: trialId,
  engine: 'cpu',
  ...extra,
});

/** A promise that `check` resolves once `count` calls have been seen. */
function counter(count: number): { hit(): void; reached: Promise<void> } {
  let seen = 0;
  let resolve!: () => void;
  const reached = new Promise<void>((r) => (resolve = r));
  return {
    hit() {
      if (++seen === count) resolve();
    },
    reached,
  };
}

test('two workers run two trials at the same time, and stop() ends them early', { timeout: 30_000 }, async () => {
  const starts: TrialStart[] = [];
  const progressed = new Set<number>();
  const both = counter(2);
  let settled = 0;
  const handles = [1, 2].map((id) =>
    executor.submit(job(id, 500), {
      onStart: (s) => starts.push(s),
      onProgress: (p) => {
        if (!progressed.has(p.trialId)) {
          progressed.add(p.trialId);
          both.hit();
        }
      },
    }),
  );
  handles.forEach((h) => void h.result.then(() => settled++));
  // Both have started and finished an epoch while neither has a result: they overlap in time.
  await both.reached;
  assert.equal(settled, 0);
  assert.equal(starts.length, 2);
  assert.notEqual(starts[0].pid, starts[1].pid, 'served by two distinct worker processes');
  assert.deepEqual(new Set(starts.map((s) => s.pid)), new Set(executor.pids));
  handles.forEach((h) => h.stop());
  for (const result of await Promise.all(handles.map((h) => h.result))) {
    assert.equal(result.state, 'stopped');
    assert.ok(result.epochs >= 1 && result.epochs < 500, `stopped after ${result.epochs} epochs`);
    assert.equal(result.objectives?.params, PARAMS);
    assert.ok(result.objectives!.latencyMs > 0);
  }
});

test('a trial reports every epoch and returns its measured objectives; extra jobs wait in the queue', { timeout: 30_000 }, async () => {
  const progress = new Map<number, TrialProgress[]>();
  const events: string[] = [];
  const handles = [3, 4, 5].map((id) =>
    executor.submit(job(id, 6), {
      onStart: () => events.push(`start ${id}`),
      onProgress: (p) => progress.set(p.trialId, [...(progress.get(p.trialId) ?? []), p]),
    }),
  );
  handles.forEach((h) => void h.result.then(() => events.push(`result ${h.trialId}`)));
  const results = await Promise.all(handles.map((h) => h.result));
  // The third job only starts once one of the first two has finished.
  assert.ok(events.indexOf('start 5') > Math.min(events.indexOf('result 3'), events.indexOf('result 4')), events.join(', '));
  for (const result of results) {
    assert.equal(result.state, 'complete', result.error);
    assert.equal(result.epochs, 6);
    assert.deepEqual(progress.get(result.trialId)!.map((p) => p.epoch), [1, 2, 3, 4, 5, 6]);
    const [error, latencyMs, params] = result.values!;
    assert.equal(params, PARAMS);
    assert.ok(latencyMs > 0 && latencyMs < 1_000, `latency ${latencyMs} ms`);
    // x0 + x1 > 0 is linearly separable: six epochs learn most of it.
    assert.ok(error >= 0 && error < 0.25, `validation error ${error}`);
    assert.deepEqual(result.objectives, { error, latencyMs, params });
  }
});

test('a worker that dies fails its trial and is replaced; a bad genome fails only its trial', { timeout: 30_000 }, async () => {
  const victim = executor.submit(job(6, 500), { onStart: (s) => process.kill(s.pid, 'SIGKILL') });
  const crashed = await victim.result;
  assert.equal(crashed.state, 'failed');
  assert.match(crashed.error!, /killed by SIGKILL/);
  assert.ok(crashed.pid !== undefined && !executor.pids.includes(crashed.pid), 'the dead worker is gone');
  assert.equal(executor.pids.length, 2, 'and replaced');

  const bad = await executor.submit(job(7, 2, { genome: { family: 'mlp', hidden: [-3] } })).result;
  assert.equal(bad.state, 'failed');
  assert.match(bad.error!, /model\.genome/);

  const pidsBefore = executor.pids;
  const next = await Promise.all([8, 9].map((id) => executor.submit(job(id, 2)).result));
  next.forEach((r) => assert.equal(r.state, 'complete', r.error));
  assert.deepEqual(executor.pids, pidsBefore, 'a failed trial does not cost its worker');
  assert.ok(next.every((r) => pidsBefore.includes(r.pid!)));
});

test('ready() waits for every worker to load its plugins and families, and for one that dies while booting', { timeout: 30_000 }, async () => {
  // A plugin that takes 1.5 s to register: no worker is ready before it has.
  const slow = path.join(dir, 'slow-plugin.mjs');
  writeFileSync(slow, 'export async function register() { await new Promise((r) => setTimeout(r, 1500)); }\n');
  const started = performance.now();
  const booting = new LocalProcessExecutor({ workers: 2, plugins: [slow] });
  try {
    const [first] = booting.pids;
    process.kill(first!, 'SIGKILL');
    await booting.ready();
    assert.ok(performance.now() - started >= 1500, `ready after ${(performance.now() - started).toFixed(0)} ms, before the plugin registered`);
    // The survivor is up: a trial on it starts and completes.
    const result = await booting.submit(job(40, 2)).result;
    assert.equal(result.state, 'complete');
  } finally {
    await booting.close();
  }
  // Closed, there is nothing to wait for.
  await booting.ready();
});

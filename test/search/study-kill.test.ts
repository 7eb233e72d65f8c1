import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SqliteStudyStore } from '../../src/store/metadata/sqlite-study-store.ts';

const worker = fileURLToPath(new URL('./fixtures/study-worker.ts', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'deepline-kill-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Event = { event: string; trialId?: number; params?: { x: number }; value?: number };

/**
 * Runs the worker; `killWhen` sees each event (and all before it) and returns true to SIGKILL
 * the child at that point. Resolves with the events and how the child ended.
 */
function runWorker(args: string[], killWhen: (events: Event[]) => boolean): Promise<{ events: Event[]; code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const events: Event[] = [];
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    createInterface({ input: child.stdout }).on('line', (line) => {
      events.push(JSON.parse(line) as Event);
      if (killWhen(events)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ events, code, signal, stderr }));
  });
}

test('a study killed with SIGKILL mid-trial resumes without losing a finished trial', { timeout: 60_000 }, async () => {
  const db = path.join(dir, 'study.db');
  const N = 6;
  const first = await runWorker([db, String(N), '3', path.join(dir, 'never-created')], (events) => events.at(-1)?.event === 'blocked');
  assert.equal(first.signal, 'SIGKILL', first.stderr);
  const finishedBefore = first.events.filter((e) => e.event === 'finished');
  const blocked = first.events.find((e) => e.event === 'blocked')!;
  assert.equal(finishedBefore.length, 3);
  const interruptedParams = first.events.find((e) => e.event === 'started' && e.trialId === blocked.trialId)!.params;

  const second = await runWorker([db, String(N)], () => false);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.events.at(-1)?.event, 'done');
  // The first trial the restart runs is the interrupted one's parameters.
  assert.deepEqual(second.events[0].params, interruptedParams);
  assert.equal(second.events.filter((e) => e.event === 'finished').length, N - 3);

  const store = new SqliteStudyStore(db);
  try {
    const trials = await store.listTrials('kill');
    const complete = trials.filter((t) => t.state === 'complete');
    assert.equal(complete.length, N, 'the study ran to N complete trials');
    for (const f of finishedBefore) {
      const t = trials.find((x) => x.id === f.trialId)!;
      assert.equal(t.state, 'complete', `finished trial ${f.trialId} was kept`);
      assert.equal(t.value, f.value);
    }
    const interrupted = trials.find((t) => t.id === blocked.trialId)!;
    assert.equal(interrupted.state, 'failed');
    assert.equal(interrupted.interrupted, true);
    assert.deepEqual(interrupted.intermediate?.map((v) => v.step), [1, 2], 'its reports before the kill are kept');
    const rerun = trials.filter((t) => t.retryOf === interrupted.id);
    assert.equal(rerun.length, 1);
    assert.equal(rerun[0].state, 'complete');
    assert.deepEqual(rerun[0].params, interrupted.params);
    assert.equal(trials.length, N + 1, 'N complete trials plus the one interrupted record');
    assert.equal(trials.filter((t) => t.state === 'running').length, 0);
    // The sampler continued from the history: every new draw differs from the earlier ones.
    assert.equal(new Set(trials.map((t) => t.params.x)).size, N);
  } finally {
    await store.close();
  }
});

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { PipelineEvent } from '../../src/pipeline/events.ts';
import { createReporter } from '../../src/pipeline/reporters/create-reporter.ts';
import { formatDuration } from '../../src/render/format-duration.ts';
import { PlainReporter } from '../../src/pipeline/reporters/plain-reporter.ts';
import { TtyReporter } from '../../src/pipeline/reporters/tty-reporter.ts';

function sink(isTTY: boolean): PassThrough & { isTTY: boolean; columns: number; text(): string } {
  const stream = new PassThrough() as PassThrough & { isTTY: boolean; columns: number; text(): string };
  let out = '';
  stream.on('data', (d: Buffer) => (out += d.toString()));
  stream.isTTY = isTTY;
  stream.columns = 120;
  stream.text = () => out;
  return stream;
}

const runId = 'r1';
const counts = { completed: 1, cached: 1, failed: 0 };
const progress = (done: number, total: number): PipelineEvent => ({
  type: 'step-progress',
  runId,
  step: 'train',
  progress: { done, total, unit: 'epoch', message: `loss=${(1 / done).toFixed(2)}` },
  elapsedMs: 0,
});

describe('PlainReporter', () => {
  it('prints one line per step and thins progress to every 10% or 10 s', () => {
    const out = sink(false);
    let clock = 0;
    const r = new PlainReporter(out, { now: () => clock });
    r.onEvent({ type: 'run-start', runId, steps: ['load', 'train'] });
    r.onEvent({ type: 'step-end', runId, step: 'load', status: 'cached', durationMs: 2, index: 0, total: 2 });
    r.onEvent({ type: 'step-start', runId, step: 'train', description: 'fit the model', index: 1, total: 2 });
    for (let done = 1; done <= 100; done++) r.onEvent(progress(done, 100));
    // No progress bucket crossed, but 10 s passed: one more line.
    clock = 10_000;
    r.onEvent(progress(100, 100));
    r.onEvent({ type: 'step-end', runId, step: 'train', status: 'completed', durationMs: 12_345, index: 1, total: 2 });
    r.onEvent({ type: 'run-end', runId, status: 'completed', durationMs: 12_400, counts });
    r.close();
    const lines = out.text().trimEnd().split('\n');
    const progressLines = lines.filter((l) => l.includes('% ('));
    assert.equal(progressLines.length, 11, lines.join('\n'));
    assert.equal(progressLines[0], '[2/2] train: 10% (10/100 epoch) loss=0.10');
    assert.deepEqual(lines.filter((l) => !l.includes('% (')), [
      'run r1: 2 steps (load, train)',
      '[1/2] load: cached',
      '[2/2] train: started (fit the model)',
      '[2/2] train: done in 12.3s',
      'run r1 completed in 12.4s (1 run, 1 cached)',
    ]);
    assert.ok(!out.text().includes('\u001b'), 'no escape codes in plain output');
  });

  it('names the failure', () => {
    const out = sink(false);
    const r = new PlainReporter(out);
    r.onEvent({ type: 'step-end', runId, step: 'train', status: 'failed', durationMs: 1500, index: 1, total: 2, error: 'boom' });
    assert.equal(out.text(), '[2/2] train: FAILED after 1.5s: boom\n');
  });
});

describe('TtyReporter', () => {
  it('draws a bar while a step runs and leaves ✓ / cached / ✗ lines', () => {
    const out = sink(true);
    const r = new TtyReporter(out);
    r.onEvent({ type: 'run-start', runId, steps: ['load', 'train', 'eval'] });
    r.onEvent({ type: 'step-end', runId, step: 'load', status: 'cached', durationMs: 1, index: 0, total: 3 });
    r.onEvent({ type: 'step-start', runId, step: 'train', index: 1, total: 3 });
    r.onEvent(progress(3, 10));
    r.onEvent({ type: 'step-end', runId, step: 'train', status: 'completed', durationMs: 2500, index: 1, total: 3 });
    r.onEvent({ type: 'step-start', runId, step: 'eval', index: 2, total: 3 });
    r.onEvent({ type: 'step-end', runId, step: 'eval', status: 'failed', durationMs: 100, index: 2, total: 3, error: 'nope' });
    r.onEvent({ type: 'run-end', runId, status: 'failed', durationMs: 2700, counts: { completed: 1, cached: 1, failed: 1 } });
    r.close();
    const text = out.text();
    assert.match(text, /▸ train .*30% 3\/10 epoch/);
    assert.match(text, /↷ load {2}cached/);
    assert.match(text, /✓ train {2}2\.5s/);
    assert.match(text, /✗ eval {2}failed after 100ms: nope/);
    assert.match(text, /✗ Run r1 failed in 2\.7s \(1 run, 1 cached, 1 failed\)/);
  });
});

describe('createReporter', () => {
  it('uses bars only on a TTY outside CI', () => {
    assert.ok(createReporter(sink(true), {}) instanceof TtyReporter);
    assert.ok(createReporter(sink(true), { CI: 'true' }) instanceof PlainReporter);
    assert.ok(createReporter(sink(true), { CI: 'false' }) instanceof TtyReporter);
    assert.ok(createReporter(sink(false), {}) instanceof PlainReporter);
  });
});

describe('formatDuration', () => {
  it('picks a unit by size', () => {
    assert.deepEqual([850, 12_340, 245_000, 7_620_000].map(formatDuration), ['850ms', '12.3s', '4m05s', '2h07m']);
  });
});

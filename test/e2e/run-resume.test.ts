import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { deepline, deeplineUntil, tempDir } from './cli-helpers.ts';

interface RunJson {
  runId: string;
  resumed: boolean;
  steps: { name: string; status: string }[];
  metrics: { kind: string; accuracy?: number };
}

test('a run killed with SIGKILL in the middle of training resumes from the last finished step', { timeout: 240_000 }, async () => {
  const home = tempDir();
  const output = join(home, 'out');
  const args = ['run', 'examples/iris.yaml', '--output', output, '--json'];

  const first = deeplineUntil(args, { home }, /train: \d+% \(\d+\/\d+ epoch\)/);
  await first.matched;
  first.child.kill('SIGKILL');
  assert.equal(await first.exited, null, 'the first run was killed, not finished');
  assert.ok(!existsSync(join(output, 'report.html')), 'nothing was published by the killed run');

  const killed = JSON.parse(deepline(['runs', '--json'], { home }).stdout) as { id: string; status: string }[];
  assert.equal(killed.length, 1);
  assert.equal(killed[0].status, 'interrupted', 'a run whose process was killed is not shown as running');
  assert.match(deepline(['runs'], { home }).stdout, new RegExp(`^${killed[0].id}\\s.*\\sinterrupted\\s`, 'm'));
  const shown = JSON.parse(deepline(['show', killed[0].id, '--json'], { home }).stdout) as { run: { status: string }; steps: { name: string; status: string }[] };
  assert.equal(shown.run.status, 'interrupted');
  assert.equal(shown.steps.find((s) => s.name === 'train')?.status, 'interrupted', 'the step in flight too');

  const rerun = deepline(args, { home });
  assert.equal(rerun.code, 0, rerun.stderr);
  const result = JSON.parse(rerun.stdout) as RunJson;
  assert.equal(result.resumed, true);
  assert.equal(result.runId, killed[0].id, 'the interrupted run is continued, not replaced');
  const status = Object.fromEntries(result.steps.map((s) => [s.name, s.status]));
  assert.deepEqual(status, {
    ingest: 'cached',
    profile: 'cached',
    schema: 'cached',
    clean: 'cached',
    split: 'cached',
    transform: 'cached',
    'label-noise': 'cached',
    balance: 'cached',
    search: 'cached',
    train: 'completed',
    evaluate: 'completed',
    'monitor-reference': 'completed',
    robustness: 'completed',
    'export-onnx': 'completed',
    report: 'completed',
    'data-report': 'completed',
  });
  assert.ok(existsSync(join(output, 'report.html')));
  assert.ok(existsSync(join(output, 'model.onnx')));
  assert.ok(existsSync(join(output, 'model', 'model.json')));

  // The store now shows one completed run whose train step failed once (interrupted) and then completed.
  const detail = JSON.parse(deepline(['show', result.runId, '--json'], { home }).stdout) as {
    run: { status: string };
    steps: { name: string; status: string; error?: string }[];
  };
  assert.equal(detail.run.status, 'completed');
  const trains = detail.steps.filter((s) => s.name === 'train').map((s) => s.status);
  assert.deepEqual(trains, ['failed', 'completed']);
  assert.match(detail.steps.find((s) => s.name === 'train' && s.status === 'failed')?.error ?? '', /interrupted/);
  assert.ok(JSON.parse(readFileSync(join(output, 'metrics.json'), 'utf8')).accuracy > 0.8);
});

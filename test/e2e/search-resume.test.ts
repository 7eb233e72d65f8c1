import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import type { StudySummary } from '../../src/search/study-summary.ts';
import { deepline, deeplineUntil, ROOT, tempDir } from './cli-helpers.ts';

interface TrialRow {
  id: number;
  state: string;
  trial_values: string | null;
  interrupted: number;
  retry_of: number | null;
}

function trialsIn(home: string): TrialRow[] {
  const db = new Database(join(home, 'metadata.db'), { readonly: true });
  try {
    return db.prepare('SELECT id, state, trial_values, interrupted, retry_of FROM study_trials ORDER BY id').all() as TrialRow[];
  } finally {
    db.close();
  }
}

test('a run killed with SIGKILL during the search keeps every finished trial and completes the budget on rerun', { timeout: 300_000 }, async () => {
  const home = tempDir();
  const output = join(home, 'out');
  const task = join(home, 'iris.yaml');
  writeFileSync(
    task,
    [
      'name: iris-search',
      'task: tabular-classification',
      `data: { path: ${join(ROOT, 'examples/data/iris.csv')}, target: species }`,
      'budget: { trials: 6 }',
      'search: { workers: 2, prior: false }',
      'prepare: { labelNoise: none }',
      'engine: wasm',
      '',
    ].join('\n'),
  );
  const args = ['run', task, '--output', output, '--json'];

  // Killed once two trials have been told to the study: others are then mid-training.
  const first = deeplineUntil(args, { home }, /search: \d+% \(2\/6 trial\)/);
  await first.matched;
  first.child.kill('SIGKILL');
  assert.equal(await first.exited, null, 'the first run was killed, not finished');

  const before = trialsIn(home);
  const finished = before.filter((t) => t.state !== 'running');
  assert.ok(finished.length >= 2, `at least two trials were finished before the kill, got ${finished.length}`);

  const rerun = deepline(args, { home });
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.equal((JSON.parse(rerun.stdout) as { resumed: boolean }).resumed, true);

  const after = trialsIn(home);
  // Every trial finished before the kill is still there, unchanged.
  for (const t of finished) assert.deepEqual(after.find((a) => a.id === t.id), t, `trial ${t.id} changed`);
  // Trials still running at the kill are marked interrupted, and each is run again once.
  const interrupted = after.filter((t) => t.interrupted === 1);
  assert.deepEqual(
    interrupted.map((t) => t.id),
    before.filter((t) => t.state === 'running').map((t) => t.id),
  );
  for (const t of interrupted) assert.equal(after.filter((a) => a.retry_of === t.id).length, 1, `trial ${t.id} re-run once`);
  // The budget counts trials, not attempts: six that ran to an end.
  assert.equal(after.filter((t) => t.interrupted !== 1).length, 6);
  assert.ok(after.every((t) => t.state !== 'running'));

  const study = JSON.parse(readFileSync(join(output, 'study.json'), 'utf8')) as StudySummary;
  assert.equal(study.trials.length, after.length);
  assert.ok(study.best, 'a model was chosen');
  assert.ok(study.paretoFront.includes(study.best.trialId), 'the chosen trial is on the Pareto front');
  // The first trial is the family's default model with the task's training settings.
  assert.equal(study.trials[0].params.optimizer, 'adam');
});

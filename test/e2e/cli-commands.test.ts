import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { deepline, ROOT, tempDir } from './cli-helpers.ts';

describe('deepline init, run --data, runs and show', { timeout: 300_000 }, () => {
  const home = tempDir();
  const dir = tempDir('deepline-cli-');
  const diabetes = join(ROOT, 'examples/data/diabetes.csv');

  test('init infers regression from the data, says why, and writes a task file that runs', () => {
    const init = deepline(['init', '--data', diabetes, '--target', 'progression', '--file', join(dir, 'diabetes.yaml')], { home, cwd: dir });
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /task: tabular-regression — .*progression.*numeric/);
    const written = readFileSync(join(dir, 'diabetes.yaml'), 'utf8');
    assert.match(written, /task: tabular-regression/);
    assert.match(written, /target: progression/);

    const again = deepline(['init', '--data', diabetes, '--target', 'progression', '--file', join(dir, 'diabetes.yaml')], { home, cwd: dir });
    assert.equal(again.code, 2, 'an existing task file is not overwritten without --force');

    const run = deepline(['run', join(dir, 'diabetes.yaml'), '--trials', '3', '--output', join(dir, 'out-diabetes'), '--json'], { home, cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { task: string; metrics: { kind: string; rmse: number; r2: number } };
    assert.equal(result.task, 'tabular-regression');
    assert.equal(result.metrics.kind, 'numeric');
    // The target's standard deviation is ~77: a model that learnt nothing scores RMSE ≈ 77, R² ≈ 0.
    assert.ok(result.metrics.rmse < 70, `rmse ${result.metrics.rmse}`);
    assert.ok(result.metrics.r2 > 0.2, `r2 ${result.metrics.r2}`);
  });

  test('run --data/--target with no task file infers the task, and a second run is all cached', () => {
    const iris = join(ROOT, 'examples/data/iris.csv');
    const args = ['run', '--data', iris, '--target', 'species', '--trials', '3', '--output', join(dir, 'out-iris'), '--json'];
    const first = deepline(args, { home, cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /task: tabular-classification — /);
    const result = JSON.parse(first.stdout) as { runId: string; metrics: { accuracy: number }; steps: { status: string }[] };
    assert.ok(result.metrics.accuracy >= 0.85, `accuracy ${result.metrics.accuracy}`);
    for (const f of ['report.html', 'report.json', 'metrics.json', 'transform.json', 'model/model.json', 'model/weights.bin']) {
      assert.ok(existsSync(join(dir, 'out-iris', f)), `${f} is published`);
    }
    const html = readFileSync(join(dir, 'out-iris', 'report.html'), 'utf8');
    assert.match(html, /<svg/);

    const second = JSON.parse(deepline(args, { home, cwd: dir }).stdout) as typeof result;
    assert.notEqual(second.runId, result.runId, 'a completed run is not resumed: the rerun is a new run');
    assert.deepEqual(new Set(second.steps.map((s) => s.status)), new Set(['cached']));
    assert.equal(second.metrics.accuracy, result.metrics.accuracy);

    const runs = JSON.parse(deepline(['runs', '--json'], { home }).stdout) as { id: string; status: string }[];
    assert.equal(runs[0].id, second.runId, 'newest first');
    assert.ok(runs.every((r) => r.status === 'completed'));

    const show = deepline(['show', result.runId.slice(0, 17)], { home });
    assert.equal(show.code, 0, show.stderr);
    for (const section of ['steps', 'params', 'metrics', 'artifacts', 'lineage']) assert.match(show.stdout, new RegExp(`^${section}`, 'm'));
    assert.match(show.stdout, /^train\s+\d+\s+completed/m);
    assert.match(show.stdout, /^search: tpe \+ asha, \d+ trials \(\d+ complete/m, 'show prints the study');
    assert.match(show.stdout, /^pareto front: trials \d+/m);

    const detail = JSON.parse(deepline(['show', result.runId, '--json'], { home }).stdout) as {
      params: Record<string, unknown>;
      metrics: { stepName: string; key: string; epoch?: number }[];
      lineage: { stepName: string; direction: string; name: string }[];
    };
    assert.equal(detail.params['data.target'], 'species');
    // One model's curves, or each ensemble member's (member1/val_loss, …) when the search chose an ensemble.
    const ensembled = detail.metrics.some((m) => m.stepName === 'train' && m.key.startsWith('member'));
    assert.ok(detail.metrics.some((m) => m.stepName === 'train' && m.key === (ensembled ? 'member1/val_loss' : 'val_loss') && m.epoch === 1));
    if (ensembled) assert.ok(detail.metrics.some((m) => m.stepName === 'train' && m.key === 'member2/val_loss'), 'every member has its curve');
    assert.ok(detail.lineage.some((e) => e.stepName === 'train' && e.direction === 'input' && e.name === 'genome'));
    assert.ok(detail.lineage.some((e) => e.stepName === 'evaluate' && e.direction === 'output' && e.name === 'metrics'));
  });

  test('show on an unknown run exits 2 and names it', () => {
    const r = deepline(['show', 'no-such-run'], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error\[DL_RUN_NOT_FOUND\]: no run `no-such-run`/);
  });

  test('runs delete forgets a run, and names one it cannot find', () => {
    const before = JSON.parse(deepline(['runs', '--json'], { home }).stdout) as { id: string }[];
    const doomed = before[0]!.id;
    const r = deepline(['runs', 'delete', doomed], { home });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^deleted run ${doomed} \\(`, 'm'));
    const after = JSON.parse(deepline(['runs', '--json'], { home }).stdout) as { id: string }[];
    assert.deepEqual(after.map((x) => x.id), before.slice(1).map((x) => x.id), 'that run alone is gone');
    assert.equal(deepline(['show', doomed], { home }).code, 2);
    const again = deepline(['runs', 'delete', doomed, '--json'], { home });
    assert.equal(again.code, 2);
    assert.equal((JSON.parse(again.stdout) as { error: { code: string } }).error.code, 'DL_RUN_NOT_FOUND');
  });

  test('--help works on every command', () => {
    for (const cmd of [[], ['run'], ['init'], ['runs'], ['show'], ['doctor']]) {
      const r = deepline([...cmd, '--help'], { home });
      assert.equal(r.code, 0, `${cmd.join(' ')} --help`);
      assert.match(r.stdout, /Usage: deepline/);
    }
  });
});

describe('image-list data', { timeout: 120_000 }, () => {
  test('a CSV of image paths and labels trains an image classifier', () => {
    const home = tempDir();
    const r = deepline(['run', 'examples/digits-list.yaml', '--no-search', '--output', join(home, 'out'), '--json'], { home });
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { task: string; metrics: { accuracy: number; n: number } };
    assert.equal(result.task, 'image-classification');
    assert.equal(result.metrics.n, 60);
    assert.ok(result.metrics.accuracy > 0.8, `accuracy ${result.metrics.accuracy}`);
  });
});

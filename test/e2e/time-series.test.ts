import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { deepline, ROOT, tempDir } from './cli-helpers.ts';

interface RunJson {
  task: string;
  steps: { name: string; status: string }[];
  metrics: { kind: string; n: number; mae: number; rmse: number };
}

/** "Tomorrow equals today" on the test split, computed here from the CSV, independent of deepline. */
function naiveTestMae(csv: string, testShare: number): { mae: number; n: number } {
  const values = csv.trim().split('\n').slice(1).map((line) => Number(line.split(',')[1]));
  const firstTest = Math.round(values.length * (1 - testShare));
  let sum = 0;
  for (let t = firstTest; t < values.length; t++) sum += Math.abs(values[t] - values[t - 1]);
  return { mae: sum / (values.length - firstTest), n: values.length - firstTest };
}

test('the time-series example trains from the CLI and beats the last-value forecast', { timeout: 240_000 }, () => {
  const home = tempDir();
  const output = join(home, 'out');
  const run = deepline(['run', 'examples/time-series.yaml', '--trials', '4', '--output', output, '--json'], { home });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as RunJson;
  assert.equal(result.task, 'time-series-forecasting');
  assert.ok(result.steps.some((s) => s.name === 'window'), 'the pipeline windows the series');
  assert.equal(result.metrics.kind, 'numeric');

  const naive = naiveTestMae(readFileSync(join(ROOT, 'examples/data/temperatures.csv'), 'utf8'), 0.15);
  // Every test row is forecast: its window may reach back into validation.
  assert.equal(result.metrics.n, naive.n);
  const baseline = JSON.parse(readFileSync(join(output, 'baseline.json'), 'utf8')) as { test: { mae: number; n: number } };
  assert.equal(baseline.test.n, naive.n);
  assert.ok(Math.abs(baseline.test.mae - naive.mae) < 1e-9, `baseline.json says ${baseline.test.mae}, the CSV gives ${naive.mae}`);
  assert.ok(result.metrics.mae < 0.9 * naive.mae, `model test MAE ${result.metrics.mae} should beat the last-value MAE ${naive.mae} by 10%`);

  const transform = JSON.parse(readFileSync(join(output, 'transform.json'), 'utf8')) as { featureShape: number[] };
  assert.deepEqual(transform.featureShape, [28, 1]);
});

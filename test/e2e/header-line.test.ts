import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { deepline, tempDir } from './cli-helpers.ts';

/**
 * A table published with a line of counts above its header, as the classic Boston housing CSV:
 * `deepline run --data` finds the header, says which line it skipped and trains; `deepline init`
 * writes `data.header`, and a task file with it trains; a wrong `data.header` is an error naming
 * the line the header seems to be on.
 */
describe('a CSV whose header is not on line 1', { timeout: 240_000 }, () => {
  const home = tempDir();
  const dir = tempDir('deepline-header-');
  const rows = Array.from({ length: 60 }, (_, i) => {
    const crim = (i * 0.173) % 3;
    const zn = i % 4;
    return `${crim.toFixed(3)},${zn},${(20 + 4 * crim - zn).toFixed(2)}`;
  });
  writeFileSync(join(dir, 'boston.csv'), `60,2,\nCRIM,ZN,MEDV\n${rows.join('\n')}\n`);
  const WARNING = /warning: boston\.csv: line 1 has only 2 non-empty fields \("60", "2"\) where the rows below have 3: the header was read from line 2, skipping line 1 \(data\.header: 2\)/;

  test('run --data finds the header on line 2, warns naming the skipped line, and trains', () => {
    const out = join(dir, 'out-data');
    const r = deepline(['run', '--data', 'boston.csv', '--target', 'MEDV', '--no-search', '--output', out, '--json'], { home, cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, WARNING);
    const result = JSON.parse(r.stdout) as { task: string; metrics: { n: number } };
    assert.equal(result.task, 'tabular-regression');
    assert.equal(result.metrics.n, 9, '15% of the 60 rows below the header are the test set');
    assert.ok(existsSync(join(out, 'model')));
  });

  test('a misspelt target lists the columns of the header that was found', () => {
    const r = deepline(['run', '--data', 'boston.csv', '--target', 'medv'], { home, cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /error\[DL_DATA_TARGET\]: data\.target: target column `medv` is not in boston\.csv \(columns of the header on line 2: CRIM, ZN, MEDV\) — did you mean `MEDV`\?/);
  });

  test('init writes data.header: 2, and the task file trains', () => {
    const r = deepline(['init', '--data', 'boston.csv', '--target', 'MEDV', '--file', 'boston.yaml'], { home, cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^header: line 2 — line 1 has only 2 non-empty fields/m);
    const yaml = readFileSync(join(dir, 'boston.yaml'), 'utf8');
    assert.match(yaml, /^ {2}header: 2$/m);
    writeFileSync(join(dir, 'boston.yaml'), yaml.replace(/^# output: .*$/m, `output: ${join(dir, 'out-task')}`));
    const run = deepline(['run', 'boston.yaml', '--no-search'], { home, cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, WARNING, 'a header the task file names is no finding');
    assert.ok(existsSync(join(dir, 'out-task', 'model')));
  });

  test('data.header on the wrong line is an error naming the line the header seems to be on', () => {
    writeFileSync(join(dir, 'wrong.yaml'), 'data:\n  path: ./boston.csv\n  target: MEDV\n  header: 1\n');
    const r = deepline(['run', 'wrong.yaml'], { home, cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /the header seems to be on line 2: set data\.header: 2/);
    assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
  });
});

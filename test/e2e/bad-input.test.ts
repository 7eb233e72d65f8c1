import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { deepline, ROOT, tempDir } from './cli-helpers.ts';

/**
 * Each kind of bad input gives one clear error (code, file, row/column/field), exit code 2, no
 * stack trace — and the runs already recorded stay intact.
 */
describe('bad input through the CLI', { timeout: 300_000 }, () => {
  const home = tempDir();
  const dir = tempDir('deepline-bad-');
  let recorded = '';

  const task = (name: string, body: string): string => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, body);
    return file;
  };
  const csv = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return name;
  };
  const expectBad = (args: string[], code: string, ...patterns: RegExp[]) => {
    const r = deepline(args, { home, cwd: dir });
    assert.equal(r.code, 2, `exit code 2 expected, got ${r.code}:\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`error\\[${code}\\]`));
    for (const p of patterns) assert.match(r.stderr, p);
    assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace for bad input');
    // With --json, the same error is a JSON object on stdout, with the same exit code.
    const asJson = deepline([...args, '--json'], { home, cwd: dir });
    assert.equal(asJson.code, 2, asJson.stderr);
    const { error } = JSON.parse(asJson.stdout) as { error: { code: string; message: string; hint?: string } };
    assert.equal(error.code, code);
    assert.equal(error.message, /error\[\w+\]: (.*)/.exec(r.stderr)?.[1]);
    // Earlier records are untouched (a run that failed on bad data may add its own record).
    const now = JSON.parse(deepline(['runs', '--json'], { home }).stdout) as { id: string }[];
    for (const run of JSON.parse(recorded) as { id: string }[]) assert.deepEqual(now.find((r) => r.id === run.id), run);
  };

  before(() => {
    const ok = deepline(['run', 'examples/iris.yaml', '--trials', '3', '--output', join(dir, 'out'), '--json'], { home });
    assert.equal(ok.code, 0, ok.stderr);
    recorded = deepline(['runs', '--json'], { home }).stdout;
    assert.equal((JSON.parse(recorded) as unknown[]).length, 1);
  });

  test('a missing data file', () => {
    expectBad(['run', task('missing', 'data: { path: ./nowhere.csv, target: y }\n')], 'DL_DATA_MISSING', /missing\.yaml:1:\d+/, /nowhere\.csv/);
  });

  test('a CSV row with the wrong number of fields', () => {
    csv('ragged.csv', 'a,b,y\n1,2,x\n3,4,y\n5,6\n7,8,x\n');
    expectBad(['run', '--data', 'ragged.csv', '--target', 'y', '--task', 'tabular-classification'], 'DL_DATA_FORMAT', /ragged\.csv/, /row 3/);
  });

  test('a binary file named .csv says binary data in a short message', () => {
    writeFileSync(join(dir, 'photo.csv'), Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 31 + 7) % 256)));
    expectBad(['run', '--data', 'photo.csv', '--target', 'y'], 'DL_DATA_FORMAT', /photo\.csv is not a text table: it looks like binary data/);
    const r = deepline(['run', '--data', 'photo.csv', '--target', 'y'], { home, cwd: dir });
    assert.ok(r.stderr.length < 600, `a short message, not the file's bytes:\n${r.stderr}`);
  });

  test('a stray word in a numeric column is read as missing, with a warning naming row, column and value', () => {
    csv('text-in-numbers.csv', `a,b,y\n${Array.from({ length: 400 }, (_, i) => `${i},${i === 13 ? 'oops' : i * 2},${i % 2}`).join('\n')}\n`);
    const r = deepline(['run', '--data', 'text-in-numbers.csv', '--target', 'y', '--task', 'tabular-classification', '--no-search', '--output', join(dir, 'out-tin')], { home, cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning \[ingest\]: .*text-in-numbers\.csv: column "b": 1 value\(s\) that are not numbers \("oops" ×1; first in row 14, line 15\) were read as missing/);
  });

  test('a regression target holding words', () => {
    csv('words-target.csv', `a,price\n${Array.from({ length: 30 }, (_, i) => `${i},${i % 3 === 0 ? 'cheap' : i * 1.5}`).join('\n')}\n`);
    expectBad(['run', '--data', 'words-target.csv', '--target', 'price', '--task', 'tabular-regression'], 'DL_DATA_TARGET', /words-target\.csv: target price holds categorical values \("cheap"/, /must be numeric/);
  });

  test('an unreadable image', () => {
    const images = join(dir, 'images');
    for (const cls of ['0', '1']) {
      mkdirSync(join(images, cls), { recursive: true });
      for (const n of ['001', '002', '003']) copyFileSync(join(ROOT, 'examples/data/digits-images', cls, `${n}.png`), join(images, cls, `${n}.png`));
    }
    writeFileSync(join(images, '1', 'broken.png'), 'this is not a png');
    expectBad(['run', '--data', 'images'], 'DL_DATA_IMAGE', /broken\.png/);
  });

  test('a target column that does not exist', () => {
    csv('no-target.csv', 'a,b,label\n1,2,x\n3,4,y\n');
    expectBad(['run', '--data', 'no-target.csv', '--target', 'lable'], 'DL_DATA_TARGET', /lable/, /label/);
  });

  test('a single-class data set', () => {
    csv('one-class.csv', `a,b,y\n${Array.from({ length: 12 }, (_, i) => `${i},${i + 1},same`).join('\n')}\n`);
    expectBad(['run', '--data', 'one-class.csv', '--target', 'y', '--task', 'tabular-classification'], 'DL_DATA_TARGET', /one-class\.csv/, /one class|single class|only one/i);
  });

  test('an unknown task type', () => {
    const iris = join(ROOT, 'examples/data/iris.csv');
    expectBad(['run', task('unknown-task', `task: tabular-clasification\ndata: { path: ${iris}, target: species }\n`)], 'DL_TASK_TYPE', /unknown-task\.yaml:1:7/, /tabular-classification/);
  });

  test('a misspelt key in a task file gets a did-you-mean', () => {
    const iris = join(ROOT, 'examples/data/iris.csv');
    expectBad(['run', task('typo', `data:\n  path: ${iris}\n  targt: species\n`)], 'DL_TASK_FIELD', /typo\.yaml:3:3/, /did you mean `target`/);
  });

  test('bad usage exits 2', () => {
    const r = deepline(['run', '--no-such-option'], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option/);
    assert.equal(readFileSync(join(home, 'metadata.db')).length > 0, true);
    const trials = deepline(['run', 'examples/iris.yaml', '--trials', '2.5'], { home });
    assert.equal(trials.code, 2);
    assert.match(trials.stderr, /error\[DL_USAGE\]: --trials must be a whole number > 0, but got `2\.5`/);
  });
});

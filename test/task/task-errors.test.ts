import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DeeplineError } from '../../src/errors/index.ts';
import { loadTaskFile } from '../../src/task/load-task.ts';
import { TaskSpecError } from '../../src/task/task-spec-error.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/task/', import.meta.url));

/**
 * Each case writes `task.yaml` (data paths are relative: iris.csv and digits-images sit next to
 * it) and checks the whole message, so every line:col and wording is pinned.
 */
describe('task file errors', { timeout: 20_000 }, () => {
  let dir: string;
  let cwd: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deepline-task-errors-'));
    await copyFile(join(FIXTURES, 'iris.csv'), join(dir, 'iris.csv'));
    cwd = process.cwd();
    // Messages name the task file as given: run from its folder so they read `task.yaml:...`.
    process.chdir(dir);
  });
  after(async () => {
    process.chdir(cwd);
    await rm(dir, { recursive: true, force: true });
  });

  const failure = async (lines: string[]): Promise<DeeplineError> => {
    await writeFile(join(dir, 'task.yaml'), lines.join('\n') + '\n');
    const error = await loadTaskFile('task.yaml').then(
      () => assert.fail('expected the task file to be rejected'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof DeeplineError, `expected a DeeplineError, got ${String(error)}`);
    assert.equal(error.exitCode, 2);
    return error;
  };
  const IRIS = ['data:', '  path: ./iris.csv', '  target: species'];

  it('names a missing task file', async () => {
    await assert.rejects(loadTaskFile('nowhere/task.yaml'), { code: 'DL_TASK_FILE', message: 'task file nowhere/task.yaml does not exist' });
  });

  it('reports YAML syntax errors at their line and column', async () => {
    const e = await failure(['data:', '  path: [./iris.csv', '  target: species']);
    assert.equal(e.code, 'DL_TASK_FILE');
    assert.match(e.message, /^task\.yaml:3:3 Flow sequence in block collection must be sufficiently indented and end with a \]$/);
    assert.deepEqual(e.location, { file: 'task.yaml', line: 3, column: 3 });
  });

  it('reports a duplicated key as a syntax error', async () => {
    const e = await failure([...IRIS, 'seed: 1', 'seed: 2']);
    assert.equal(e.code, 'DL_TASK_FILE');
    assert.equal(e.message, 'task.yaml:5:1 Map keys must be unique');
  });

  it('rejects an empty file and a file that is not a mapping', async () => {
    assert.equal((await failure(['# nothing yet'])).message, 'task.yaml is empty');
    const list = await failure(['- data', '- seed']);
    assert.equal(list.code, 'DL_TASK_FILE');
    assert.equal(list.message, 'task.yaml:1:1 a task must be a mapping of fields (name, task, data, ...), but got ["data", "seed"]');
  });

  it('places a wrong type at its value', async () => {
    const e = await failure(['data:', '  path: ./iris.csv', '  target: 5']);
    assert.ok(e instanceof TaskSpecError);
    assert.equal(e.message, 'task.yaml:3:11 data.target: expected a string, but got 5');
    assert.deepEqual(e.location, { file: 'task.yaml', line: 3, column: 11, field: 'data.target' });
  });

  it('places an unknown key at the key, with a did-you-mean from that level', async () => {
    const e = await failure(['data:', '  path: ./iris.csv', '  targt: species']);
    assert.equal(e.message, 'task.yaml:3:3 data.targt: unknown field — did you mean `target`?');
    const top = await failure([...IRIS, 'sed: 4']);
    assert.equal(top.message, 'task.yaml:4:1 sed: unknown field — did you mean `seed`?');
  });

  it('points a key written at the wrong level to where it belongs', async () => {
    const e = await failure([...IRIS, 'epochs: 10']);
    assert.equal(e.message, 'task.yaml:4:1 epochs: unknown field here — did you mean `budget.epochs` or `train.epochs`?');
    const none = await failure([...IRIS, 'colour: red']);
    assert.equal(
      none.message,
      'task.yaml:4:1 colour: unknown field; the fields here are name, task, data, metric, split, seed, budget, train, constraints, prepare, augment, search, executor, security, compress, series, engine, output, export, plugins, gates, store',
    );
  });

  it('lists the allowed values of an enum, with a did-you-mean', async () => {
    const e = await failure([...IRIS, 'metric: acuracy']);
    assert.equal(e.message, 'task.yaml:4:9 metric: expected one of accuracy, macro-f1, rmse, mae, r2, but got "acuracy" — did you mean `accuracy`?');
  });

  it('reports an unknown task type as DL_TASK_TYPE, naming the supported ones', async () => {
    const e = await failure(['task: image-clasification', ...IRIS]);
    assert.equal(e.code, 'DL_TASK_TYPE');
    assert.match(
      e.message,
      /^task\.yaml:1:7 task: expected one of image-classification, tabular-classification, tabular-regression, text-classification, time-series-forecasting\b/,
    );
    assert.match(e.message, /but got "image-clasification" — did you mean `image-classification`\?$/);
  });

  it('loads a time-series-forecasting task, with the series defaults applied', async () => {
    await writeFile(join(dir, 'series.csv'), ['date,value', ...Array.from({ length: 40 }, (_, i) => `2024-01-${String((i % 28) + 1).padStart(2, '0')},${i}`)].join('\n') + '\n');
    await writeFile(join(dir, 'task.yaml'), ['task: time-series-forecasting', 'data:', '  path: ./series.csv', '  target: value', '  time: date', 'series: { horizon: 3 }'].join('\n') + '\n');
    const spec = await loadTaskFile('task.yaml');
    assert.equal(spec.task, 'time-series-forecasting');
    assert.deepEqual(spec.series, { window: 30, horizon: 3 });
    assert.equal(spec.metric, 'rmse');
  });

  it('asks a time-series-forecasting task for its time column', async () => {
    await writeFile(join(dir, 'series.csv'), 'date,value\n2024-01-01,1\n2024-01-02,2\n');
    const e = await failure(['task: time-series-forecasting', 'data:', '  path: ./series.csv', '  target: value']);
    assert.equal(e.code, 'DL_TASK_FIELD');
    assert.match(e.message, /^task\.yaml:\d+:\d+ data\.time: required for time-series-forecasting/);
  });

  it('rejects series settings on a task that is not a time series', async () => {
    const e = await failure([...IRIS, 'series: { window: 5 }']);
    assert.equal(e.code, 'DL_TASK_FIELD');
    assert.match(e.message, /series: only used by time-series-forecasting, but the task is tabular-classification/);
  });

  it('states bounds as the rule and the value written', async () => {
    const e = await failure([...IRIS, 'budget:', '  minutes: -5', 'seed: 1.5', 'split: { train: 1, validation: 0.5, test: 0.5 }']);
    assert.equal(
      e.message,
      [
        'task.yaml:5:12 budget.minutes: must be > 0, but got -5',
        'task.yaml:6:7 seed: expected an integer, but got 1.5',
        'task.yaml:7:17 split.train: must be < 1, but got 1',
      ].join('\n'),
    );
    assert.equal((e as TaskSpecError).issues.length, 3);
  });

  it('places a missing field at the key of the mapping that lacks it', async () => {
    const e = await failure(['seed: 3', 'data:', '  target: species']);
    assert.equal(e.message, 'task.yaml:2:1 data.path: required, expected a string');
    const noData = await failure(['seed: 3']);
    assert.equal(noData.message, 'task.yaml:1:1 data: required, expected a mapping of fields');
  });

  it('checks that the split adds up to 1', async () => {
    const e = await failure([...IRIS, 'split: { train: 0.8, validation: 0.15, test: 0.15 }']);
    assert.equal(e.message, 'task.yaml:4:8 split: train + validation + test must add up to 1, but they add up to 1.1');
  });

  it('checks that the metric fits the task', async () => {
    const e = await failure(['task: tabular-classification', ...IRIS, 'metric: rmse']);
    assert.equal(e.message, 'task.yaml:5:9 metric: rmse does not fit tabular-classification; use accuracy or macro-f1');
    const inferred = await failure([...IRIS, 'metric: r2']);
    assert.equal(inferred.message, 'task.yaml:4:9 metric: r2 does not fit tabular-classification; use accuracy or macro-f1');
  });

  it('requires a target for tables and refuses one for image folders', async () => {
    const e = await failure(['data:', '  path: ./iris.csv']);
    assert.equal(e.message, 'task.yaml:1:1 data.target: required for csv data: name the column that holds the labels');
    const folder = await failure(['data:', `  path: ${join(FIXTURES, 'digits-images')}`, '  target: digit']);
    assert.equal(
      folder.message,
      "task.yaml:3:11 data.target: not used with image-folder data (the class is the name of each image's subfolder); remove it",
    );
  });

  it('requires the image shape for image classification from a table', async () => {
    const e = await failure(['task: image-classification', ...IRIS]);
    assert.equal(
      e.message,
      'task.yaml:2:1 data.image: required for image-classification from csv data: give { width, height, channels } to reshape the pixel columns',
    );
  });

  it('refuses image folders for tabular tasks and image shapes for tabular tasks', async () => {
    const folder = await failure(['task: tabular-regression', 'data:', `  path: ${join(FIXTURES, 'digits-images')}`]);
    assert.equal(
      folder.message,
      'task.yaml:2:1 data.format: image-folder (inferred from the path) holds images, but task tabular-regression needs csv, tsv, jsonl data',
    );
    const shape = await failure([...IRIS, '  image: { width: 2, height: 2, channels: 1 }']);
    assert.equal(
      shape.message,
      'task.yaml:4:10 data.image: only used by image tasks, but the task is tabular-classification; remove it or set `task: image-classification`',
    );
  });

  it('reports every cross-field problem of a file at once, in file order', async () => {
    const e = await failure([
      ...IRIS,
      '  classes: [a, b, a]',
      'split: { train: 0.9, validation: 0.1, test: 0 }',
      'budget: { epochs: 10 }',
      'train: { epochs: 20 }',
    ]);
    assert.deepEqual(
      e.message.split('\n'),
      [
        'task.yaml:4:19 data.classes[2]: `a` is listed twice (first at position 1)',
        'task.yaml:5:45 split.test: may be 0 only for IDX data, which brings its own test files; format csv needs a test share > 0',
        'task.yaml:7:18 train.epochs: is 20, more than budget.epochs (10); lower it or raise the budget',
      ],
    );
  });

  it('reports missing data at data.path, keeping the data code', async () => {
    const e = await failure(['data:', '  path: ./gone.csv', '  target: species']);
    assert.equal(e.code, 'DL_DATA_MISSING');
    assert.equal(e.message, `task.yaml:2:9 data.path: data ${join(dir, 'gone.csv')} does not exist`);
  });

  it('reports an unknown target column at data.target, with the columns and a did-you-mean', async () => {
    const e = await failure(['data:', '  path: ./iris.csv', '  target: Specis']);
    assert.equal(e.code, 'DL_DATA_TARGET');
    assert.equal(
      e.message,
      'task.yaml:3:11 data.target: target column `Specis` is not in iris.csv ' +
        '(columns: sepal_length, sepal_width, petal_length, petal_width, species) — did you mean `species`?',
    );
    assert.equal(e.hint, 'set `data.target` to one of the columns listed');
  });

  it('checks data.header: a positive whole line, only for files with a header line, within the file', async () => {
    const zero = await failure([...IRIS, '  header: 0']);
    assert.equal(zero.message, 'task.yaml:4:11 data.header: must be > 0, but got 0');
    const word = await failure([...IRIS, '  header: two']);
    assert.equal(word.message, 'task.yaml:4:11 data.header: expected a number, but got "two"');
    const folder = await failure(['data:', `  path: ${join(FIXTURES, 'digits-images')}`, '  header: 2']);
    assert.equal(folder.message, 'task.yaml:3:11 data.header: applies to csv, tsv and image-list files, which have a header line; image-folder data has none: remove it');
    const past = await failure([...IRIS, '  header: 500']);
    assert.equal(past.code, 'DL_DATA_FORMAT');
    assert.equal(past.message, 'task.yaml:4:11 data.header: iris.csv has no line 500 to read the header from: its last record starts on line 151');
  });

  it('reports a target missing from the line data.header names, with the line the header seems to be on', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i},${(i * 1.5).toFixed(1)}`).join('\n');
    await writeFile(join(dir, 'counts.csv'), `30,1\nx,MEDV\n${rows}\n`);
    const e = await failure(['data:', '  path: ./counts.csv', '  target: MEDV', '  header: 3']);
    assert.equal(e.code, 'DL_DATA_TARGET');
    assert.equal(
      e.message,
      'task.yaml:3:11 data.target: target column `MEDV` is not in counts.csv (columns of the header on line 3: 0, 0.0); the header seems to be on line 2: set data.header: 2',
    );
    assert.match(e.hint ?? '', /^line 1 holds only numbers \("30", "1"\), not column names; data\.header: 2 reads the table from that line$/);
  });

  it('reports an undeterminable format at data.path', async () => {
    await writeFile(join(dir, 'notes.txt'), 'a,b\n1,2\n');
    const e = await failure(['data:', '  path: ./notes.txt', '  target: b']);
    assert.equal(e.code, 'DL_DATA_FORMAT');
    assert.match(e.message, /^task\.yaml:2:9 data\.path: cannot tell the format of .*notes\.txt from its extension `\.txt`$/);
    assert.match(e.hint ?? '', /set `data\.format` to one of csv, tsv, jsonl, image-folder, image-list, idx/);
  });
});

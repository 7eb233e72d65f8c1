import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { loadTaskFile } from '../../src/task/load-task.ts';
import { parseTaskObject } from '../../src/task/parse-task-object.ts';
import { renderTaskYaml } from '../../src/task/render-task.ts';
import type { TaskSpec } from '../../src/task/task-spec.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/task/', import.meta.url));

describe('renderTaskYaml', { timeout: 20_000 }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deepline-render-task-'));
    await copyFile(join(FIXTURES, 'iris.csv'), join(dir, 'iris.csv'));
    await copyFile(join(FIXTURES, 'diabetes.csv'), join(dir, 'diabetes.csv'));
    await copyFile(join(FIXTURES, 'digits-head.csv'), join(dir, 'digits.csv'));
    const idx = join(dir, 'data', 'idx');
    await mkdir(idx, { recursive: true });
    await writeFile(join(idx, 'train-images-idx3-ubyte.gz'), gzipSync(Buffer.from([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4])));
    await writeFile(join(idx, 'train-labels-idx1-ubyte.gz'), gzipSync(Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 0])));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Renders, writes next to the data, loads back and compares everything but `source`. */
  const roundTrip = async (spec: TaskSpec, name: string): Promise<string> => {
    const text = renderTaskYaml(spec, 'chosen for the test');
    const file = join(dir, `${name}.yaml`);
    await writeFile(file, text);
    const loaded = await loadTaskFile(file);
    assert.deepEqual({ ...loaded, source: undefined }, { ...spec, source: undefined }, `round trip of ${name}:\n${text}`);
    return text;
  };
  const parse = (obj: object): Promise<TaskSpec> => parseTaskObject(obj, { baseDir: dir });

  it('writes an inferred regression task with relative paths, the reason and only meaningful fields', async () => {
    const spec = await parse({ data: { path: 'diabetes.csv', target: 'progression' } });
    const text = renderTaskYaml(spec);
    assert.match(text, /^# Task type: target `progression` is numeric with 214 distinct values in 442 rows → regression\ntask: tabular-regression$/m);
    assert.match(text, /^ {2}path: \.\/diabetes\.csv$/m);
    assert.match(text, /^metric: rmse$/m);
    assert.doesNotMatch(text, /^(train|budget|constraints|engine|output):/m, 'defaults are comments, not fields');
    assert.match(text, /^# train: \{ epochs: 200, batchSize: 32, learningRate: 0\.001, patience: 15, schedule: cosine \} {3}# the defaults for tabular-regression$/m);
    assert.doesNotMatch(text, new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no absolute paths');
    await roundTrip(spec, 'diabetes');
  });

  it('round-trips a classification task with every optional field set', async () => {
    const spec = await parse({
      name: 'iris-all',
      task: 'tabular-classification',
      data: { path: 'iris.csv', target: 'species', classes: ['setosa', 'versicolor', 'virginica'] },
      metric: 'macro-f1',
      split: { train: 0.6, validation: 0.2, test: 0.2 },
      seed: 7,
      budget: { minutes: 1.5, trials: 3, epochs: 50 },
      train: { batchSize: 8, learningRate: 0.005, patience: 0 },
      constraints: { maxLatencyMs: 2.5, maxModelSizeMB: 1, maxParams: 5000, maxMemoryMB: 256 },
      engine: 'wasm',
      output: '../elsewhere/iris',
    });
    const text = await roundTrip(spec, 'iris-all');
    assert.match(text, /^train: \{ batchSize: 8, learningRate: 0\.005, patience: 0 \}$/m, 'epochs is implied by the budget');
    assert.match(text, /^output: \.\.\/elsewhere\/iris$/m);
    assert.match(text, /^engine: wasm$/m);
  });

  it('round-trips image tasks from CSV pixels and from IDX files', async () => {
    const digits = await parse({
      task: 'image-classification',
      data: { path: 'digits.csv', target: 'digit', image: { width: 8, height: 8, channels: 1 } },
      train: { epochs: 5 },
    });
    const text = await roundTrip(digits, 'digits');
    assert.match(text, /^ {2}image: \{ width: 8, height: 8, channels: 1 \}$/m);

    const idx = await parse({
      data: { path: 'data/idx', classes: ['T-shirt/top', 'Trouser: long', '#3'] },
      split: { train: 0.85, validation: 0.15, test: 0 },
    });
    assert.equal(idx.task, 'image-classification');
    await roundTrip(idx, 'idx');
  });

  it('writes a header found below line 1 into the data section, with why, and round-trips it', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${(i * 0.3).toFixed(1)},${i % 3},${(i * 2.1).toFixed(1)}`).join('\n');
    await writeFile(join(dir, 'boston.csv'), `40,2,\nCRIM,ZN,MEDV\n${rows}\n`);
    const spec = await parse({ data: { path: 'boston.csv', target: 'MEDV' } });
    assert.equal(spec.data.header, 2);
    assert.equal(spec.source.headerInference, 'line 1 has only 2 non-empty fields ("40", "2") where the rows below have 3: the header was read from line 2, skipping line 1');
    const text = await roundTrip(spec, 'boston');
    assert.match(text, /^ {2}target: MEDV\n {2}# The line of the column names: line 1 has only 2 non-empty fields .*skipping line 1\.\n {2}header: 2$/m);
    // Written by hand, the header is no finding: no comment, no note.
    const given = await parse({ data: { path: 'boston.csv', target: 'MEDV', header: 2 } });
    assert.equal(given.source.headerInference, undefined);
    assert.doesNotMatch(renderTaskYaml(given), /# The line of the column names/);
    const iris = await parse({ data: { path: 'iris.csv', target: 'species' } });
    assert.equal(iris.data.header, undefined);
    assert.doesNotMatch(renderTaskYaml(iris), /header:/);
  });

  it('keeps a path far outside the folder absolute', async () => {
    const spec = await parseTaskObject({ data: { path: join(FIXTURES, 'iris.csv'), target: 'species' } }, { baseDir: join(dir, 'a', 'b') });
    const text = renderTaskYaml(spec);
    assert.ok(text.includes(`  path: ${join(FIXTURES, 'iris.csv')}\n`));
  });
});

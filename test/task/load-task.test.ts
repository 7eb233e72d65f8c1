import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { loadTaskFile } from '../../src/task/load-task.ts';
import { parseTaskObject } from '../../src/task/parse-task-object.ts';
import { TaskSpecError } from '../../src/task/task-spec-error.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/task/', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

describe('loadTaskFile', { timeout: 20_000 }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deepline-load-task-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const write = async (name: string, text: string): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };

  it('loads a tabular-classification file with every field and resolves paths from its folder', async () => {
    await copyFile(join(FIXTURES, 'iris.csv'), join(dir, 'iris.csv'));
    const file = await write(
      'iris.yaml',
      [
        'name: iris-full',
        'task: tabular-classification',
        'data:',
        '  path: ./iris.csv',
        '  format: csv',
        '  target: species',
        '  classes: [setosa, versicolor, virginica]',
        'metric: macro-f1',
        'split: { train: 0.6, validation: 0.2, test: 0.2 }',
        'seed: 7',
        'budget: { minutes: 2, trials: 4, epochs: 90 }',
        'train: { batchSize: 16, learningRate: 0.01 }',
        'constraints: { maxLatencyMs: 5, maxModelSizeMB: 10, maxParams: 1000000, maxMemoryMB: 2048 }',
        'prepare: { dropDuplicates: false, outliers: drop, balance: oversample }',
        'augment: { noise: 0.1 }',
        'engine: cpu',
        'output: ./runs/iris',
        '',
      ].join('\n'),
    );
    const spec = await loadTaskFile(file);
    assert.deepEqual(spec, {
      name: 'iris-full',
      task: 'tabular-classification',
      data: { path: join(dir, 'iris.csv'), format: 'csv', target: 'species', classes: ['setosa', 'versicolor', 'virginica'] },
      metric: 'macro-f1',
      split: { train: 0.6, validation: 0.2, test: 0.2 },
      seed: 7,
      budget: { minutes: 2, trials: 4, epochs: 90 },
      // epochs: the tabular default 200, capped by the budget; patience: the tabular default.
      train: { epochs: 90, batchSize: 16, learningRate: 0.01, patience: 15, schedule: 'cosine' },
      constraints: { maxLatencyMs: 5, maxModelSizeMB: 10, maxParams: 1_000_000, maxMemoryMB: 2048 },
      // Fields left out of prepare and augment keep their defaults.
      prepare: { dropDuplicates: false, impute: true, outliers: 'drop', labelNoise: 'flag', balance: 'oversample' },
      augment: { flip: 'none', shift: 0, rotate: 0, crop: 0, noise: 0.1, tokenDropout: 0 },
      search: { enabled: true, sampler: 'tpe', scheduler: 'asha', family: 'auto', prefer: 'accuracy', space: {}, crossValidation: 'auto', trialExamples: 'auto', ensemble: { enabled: 'auto', selection: 'auto', size: 5, seeds: 3 }, prior: { enabled: true, neighbours: 3, portfolio: 3 } },
      security: { enabled: true, attack: 'auto', epsilons: [0, 0.01, 0.02, 0.05, 0.1, 0.2], examples: 200 },
      engine: 'cpu',
      export: ['onnx'],
      output: join(dir, 'runs', 'iris'),
      source: { file, baseDir: dir },
    });
  });

  it('infers a regression task and fills the defaults for it', async () => {
    const file = await write('progression.yaml', `data:\n  path: ${join(FIXTURES, 'diabetes.csv')}\n  target: progression\n`);
    const spec = await loadTaskFile(file);
    assert.equal(spec.task, 'tabular-regression');
    assert.equal(spec.name, 'progression', 'the name defaults to the task file base name');
    assert.equal(spec.metric, 'rmse');
    assert.deepEqual(spec.train, { epochs: 200, batchSize: 32, learningRate: 1e-3, patience: 15, schedule: 'cosine' });
    assert.deepEqual(spec.split, { train: 0.7, validation: 0.15, test: 0.15 });
    assert.equal(spec.seed, 42);
    assert.equal(spec.engine, 'auto');
    assert.equal(spec.output, join(dir, 'out', 'progression'));
    assert.deepEqual(spec.budget, {});
    assert.deepEqual(spec.constraints, {});
    assert.equal(spec.source.taskInference, 'target `progression` is numeric with 214 distinct values in 442 rows → regression');
  });

  it('loads an image-classification task from CSV pixel columns', async () => {
    const file = await write(
      'digits.yaml',
      `task: image-classification\ndata:\n  path: ${join(FIXTURES, 'digits-head.csv')}\n  target: digit\n  image: { width: 8, height: 8, channels: 1 }\n`,
    );
    const spec = await loadTaskFile(file);
    assert.equal(spec.task, 'image-classification');
    assert.deepEqual(spec.data.image, { width: 8, height: 8, channels: 1 });
    assert.equal(spec.metric, 'accuracy');
    assert.deepEqual(spec.train, { epochs: 40, batchSize: 64, learningRate: 1e-3, patience: 6, schedule: 'cosine' });
    assert.equal(spec.source.taskInference, undefined, 'a task given in the file is not inferred');
  });

  it('infers image-folder and image-classification from a folder of class subfolders', async () => {
    const file = await write('folder.yaml', `data:\n  path: ${join(FIXTURES, 'digits-images')}\n`);
    const spec = await loadTaskFile(file);
    assert.equal(spec.data.format, 'image-folder');
    assert.equal(spec.task, 'image-classification');
    assert.equal(spec.data.target, undefined);
    assert.match(spec.source.taskInference ?? '', /10 class subfolders .* holding 30 images/);
  });

  it('loads an IDX folder with a zero test share, as it brings its own test files', async () => {
    const idx = join(dir, 'idx');
    await mkdir(idx);
    const header = Buffer.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 3]);
    await writeFile(join(idx, 'train-images-idx3-ubyte.gz'), gzipSync(Buffer.concat([header, Buffer.alloc(24, 7)])));
    await writeFile(join(idx, 'train-labels-idx1-ubyte.gz'), gzipSync(Buffer.from([0, 0, 8, 1, 0, 0, 0, 2, 0, 1])));
    const file = await write('idx.yaml', `data:\n  path: ./idx\n  classes: [off, on]\nsplit: { train: 0.8, validation: 0.2, test: 0 }\n`);
    const spec = await loadTaskFile(file);
    assert.equal(spec.data.format, 'idx');
    assert.equal(spec.task, 'image-classification');
    assert.deepEqual(spec.data.classes, ['off', 'on']);
    assert.equal(spec.split.test, 0);
    assert.match(spec.source.taskInference ?? '', /2 4x3 images in train-images-idx3-ubyte\.gz/);
  });

  it('reads JSON the same as YAML', async () => {
    const data = join(FIXTURES, 'iris.csv');
    const yaml = await write('same.yaml', `data:\n  path: ${data}\n  target: species\nseed: 3\nsplit: { train: 0.5, validation: 0.25, test: 0.25 }\n`);
    const json = await write(
      'same.json',
      JSON.stringify({ data: { path: data, target: 'species' }, seed: 3, split: { train: 0.5, validation: 0.25, test: 0.25 } }, null, 2),
    );
    const fromYaml = await loadTaskFile(yaml);
    const fromJson = await loadTaskFile(json);
    assert.deepEqual({ ...fromJson, source: undefined }, { ...fromYaml, source: undefined });
  });

  it('merges overrides over the file, and reports a bad override without a line', async () => {
    const file = await write('over.yaml', `data:\n  path: ${join(FIXTURES, 'iris.csv')}\n  target: species\nseed: 1\ntrain:\n  patience: 3\n`);
    const spec = await loadTaskFile(file, { seed: 9, train: { epochs: 12 }, metric: 'macro-f1' });
    assert.equal(spec.seed, 9);
    assert.deepEqual(spec.train, { epochs: 12, batchSize: 32, learningRate: 1e-3, patience: 3, schedule: 'cosine' });
    assert.equal(spec.metric, 'macro-f1');

    const error = await loadTaskFile(file, { train: { epochs: -1 } }).then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof TaskSpecError);
    assert.equal(error.message, 'train.epochs: must be > 0, but got -1');
    assert.deepEqual(error.location, { field: 'train.epochs' });
  });

  it('returns a deeply frozen spec', async () => {
    const file = await write('frozen.yaml', `data:\n  path: ${join(FIXTURES, 'iris.csv')}\n  target: species\n  classes: [a, b, c]\n`);
    const spec = await loadTaskFile(file);
    for (const part of [spec, spec.data, spec.data.classes, spec.split, spec.train, spec.budget, spec.constraints, spec.source]) {
      assert.ok(Object.isFrozen(part));
    }
    assert.throws(() => {
      (spec.train as { epochs: number }).epochs = 1;
    }, TypeError);
  });

  it('loads every example task file shipped in examples/', async () => {
    const files = (await readdir(EXAMPLES)).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 4);
    for (const name of files) {
      try {
        const spec = await loadTaskFile(join(EXAMPLES, name));
        assert.equal(spec.name, name.replace(/\.yaml$/, ''));
      } catch (e) {
        // Fashion-MNIST lives in an optional Debian package; every other failure is real.
        if (!(e instanceof TaskSpecError && e.code === 'DL_DATA_MISSING' && name === 'fashion-mnist.yaml')) throw e;
      }
    }
  });
});

describe('parseTaskObject', { timeout: 20_000 }, () => {
  it('builds a spec from options alone, named after the data file', async () => {
    const spec = await parseTaskObject({ data: { path: 'iris.csv', target: 'species' } }, { baseDir: FIXTURES });
    assert.equal(spec.name, 'iris');
    assert.equal(spec.data.path, join(FIXTURES, 'iris.csv'));
    assert.equal(spec.output, join(FIXTURES, 'out', 'iris'));
    assert.equal(spec.task, 'tabular-classification');
    assert.equal(spec.source.file, undefined);
  });

  it('makes a safe name from a file name with spaces, and from a data folder', async () => {
    const fromFolder = await parseTaskObject({ data: { path: 'digits-images' } }, { baseDir: FIXTURES });
    assert.equal(fromFolder.name, 'digits-images');
    const fromFile = await parseTaskObject(
      { data: { path: 'iris.csv', target: 'species' } },
      { baseDir: FIXTURES, file: join(FIXTURES, 'my first task.yaml') },
    );
    assert.equal(fromFile.name, 'my-first-task');
    assert.equal(fromFile.output, join(FIXTURES, 'out', 'my-first-task'));
  });

  it('names fields but no lines when there is no file', async () => {
    await assert.rejects(parseTaskObject({ data: { path: 'iris.csv', target: 'species' }, seed: -1 }, { baseDir: FIXTURES }), {
      code: 'DL_TASK_FIELD',
      message: 'seed: must be >= 0, but got -1',
    });
  });
});

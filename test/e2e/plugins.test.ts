import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deepline, ROOT, tempDir } from './cli-helpers.ts';

/** The shipped example plugin (examples/plugins): its sampler and family reach `deepline run`. */
describe('plugins', { timeout: 300_000 }, () => {
  const dir = tempDir('deepline-plugins-');
  // Used in place: its imports (zod, TF.js) resolve from the repository's node_modules.
  const plugin = join(ROOT, 'examples/plugins/register.js');
  copyFileSync(join(ROOT, 'examples/data/iris.csv'), join(dir, 'iris.csv'));
  copyFileSync(join(ROOT, 'examples/data/iris.svm'), join(dir, 'iris.svm'));
  const task = (name: string, search: string, extra = ''): string => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, `name: ${name}\ndata: { path: ./iris.csv, target: species }\nseed: 7\nplugins: [${plugin}]\n${search}budget: { trials: 3 }\noutput: ./out-${name}\n${extra}`);
    return file;
  };

  it("trains with the plugin's sampler and family, in the search's workers too", () => {
    const home = tempDir();
    const file = task('with-plugin', 'search: { sampler: { name: halton, options: { skip: 2 } }, family: residual-mlp, workers: 2 }\n');
    const r = deepline(['run', file, '--json'], { home, cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const study = JSON.parse(readFileSync(join(dir, 'out-with-plugin/study.json'), 'utf8')) as { sampler: string; family: string; trials: { state: string }[] };
    assert.equal(study.sampler, 'halton');
    assert.equal(study.family, 'residual-mlp');
    assert.ok(study.trials.some((t) => t.state === 'complete'), `trials: ${JSON.stringify(study.trials)}`);
    // The final model is the plugin family's, or (search.ensemble: auto) an ensemble of its trials.
    const model = JSON.parse(readFileSync(join(dir, 'out-with-plugin/model/model.json'), 'utf8')) as { modelTopology: { config: { name: string; layers: { name: string }[] } } };
    const { name, layers } = model.modelTopology.config;
    if (name === 'ensemble') {
      const names = layers.map((l) => l.name);
      assert.ok(names.some((n) => /^m\d+_stem$/.test(n)) && names.some((n) => /^m\d+_residual_\d+$/.test(n)), `ensemble layers: ${names.join(', ')}`);
    } else assert.equal(name, 'residual_mlp');
  });

  it('names the registered samplers, plugins included, for a misspelt one', () => {
    const home = tempDir();
    const r = deepline(['run', task('misspelt', 'search: { sampler: haltn }\n')], { home, cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /error\[DL_TASK_FIELD\]: .*misspelt\.yaml:\d+:\d+ search\.sampler: expected a registered sampler \(random, grid, tpe, halton\), but got "haltn" — did you mean `halton`\?/);
  });

  it("checks a plugin entry's options with its own schema", () => {
    const home = tempDir();
    const r = deepline(['run', task('bad-options', 'search: { sampler: { name: halton, options: { skip: -1 } } }\n')], { home, cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /search\.sampler\.options\.skip/);
  });

  it('stops at a plugin that is missing, naming it', () => {
    const home = tempDir();
    const r = deepline(['run', '--data', join(dir, 'iris.csv'), '--target', 'species', '--plugin', 'nowhere/plugin.js'], { home, cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /error\[DL_PLUGIN\]: plugin .*nowhere\/plugin\.js does not exist/);
  });

  const svmTask = (name: string, data: string, extra = ''): string => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, `name: ${name}\n${extra}data: ${data}\nseed: 7\nplugins: [${plugin}]\nsearch: { enabled: false }\nbudget: { epochs: 30 }\noutput: ./out-${name}\n`);
    return file;
  };

  it("reads data in a plugin's format with the plugin's reader", () => {
    const home = tempDir();
    const file = svmTask('svm', '{ path: ./iris.svm, format: svmlight }', 'task: tabular-classification\n');
    const r = deepline(['run', file, '--json'], { home, cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { metrics: { accuracy: number; n: number } };
    // 150 flowers, a 15% test share: the reader's examples reached training and evaluation.
    assert.ok(result.metrics.n >= 20 && result.metrics.n <= 25, `test examples: ${result.metrics.n}`);
    assert.ok(result.metrics.accuracy > 0.6, `accuracy ${result.metrics.accuracy}`);
    const transform = JSON.parse(readFileSync(join(dir, 'out-svm/transform.json'), 'utf8')) as object;
    assert.ok(transform, 'the dataset stages published their transform');
  });

  it('names the registered formats, plugins included, for a misspelt one', () => {
    const home = tempDir();
    const r = deepline(['run', svmTask('svm-misspelt', '{ path: ./iris.svm, format: svmlght }', 'task: tabular-classification\n')], { home, cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /error\[DL_TASK_FIELD\]: .*svm-misspelt\.yaml:\d+:\d+ data\.format: expected a registered data format \(csv, tsv, jsonl, image-folder, image-list, idx, svmlight\), but got "svmlght" — did you mean `svmlight`\?/);
  });

  it("asks for the task with a plugin's format, which deepline cannot look into", () => {
    const home = tempDir();
    const r = deepline(['run', svmTask('svm-no-task', '{ path: ./iris.svm, format: svmlight }')], { home, cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /task: required with data\.format svmlight, which a plugin's reader reads/);
  });
});

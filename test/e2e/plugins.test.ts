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
    const model = JSON.parse(readFileSync(join(dir, 'out-with-plugin/model/model.json'), 'utf8')) as { modelTopology: { config: { name: string } } };
    assert.equal(model.modelTopology.config.name, 'residual_mlp');
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
});

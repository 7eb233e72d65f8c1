import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deepline, ROOT, tempDir } from './cli-helpers.ts';

interface Shown {
  shipped: { file: string | null; tasks: { name: string }[] };
  workspace: { name: string; label: string; family: string; configs: { error: number }[]; metaFeatures: { rows: number; classes: number } }[];
}

describe('deepline prior', { timeout: 300_000 }, () => {
  it('shows a finished run in the workspace prior store, removes it, and update adds it back from the run', () => {
    const dir = tempDir('deepline-prior-cli-');
    const home = join(dir, 'home');
    copyFileSync(join(ROOT, 'examples/data/iris.csv'), join(dir, 'iris.csv'));
    writeFileSync(join(dir, 'iris.yaml'), 'name: flowers\ndata: { path: ./iris.csv, target: species }\nsecurity: { enabled: false }\nexport: []\nbudget: { trials: 2, epochs: 6 }\nsearch: { workers: 1 }\noutput: ./out\n');
    const run = deepline(['run', join(dir, 'iris.yaml')], { home, cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const show = (): Shown => {
      const r = deepline(['prior', 'show', '--json'], { home });
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as Shown;
    };
    const [task] = show().workspace;
    assert.equal(task.label, 'flowers');
    assert.equal(task.family, 'mlp');
    assert.deepEqual([task.metaFeatures.rows, task.metaFeatures.classes], [127, 3]);
    assert.ok(task.configs.length >= 1 && Number.isFinite(task.configs[0].error));

    const text = deepline(['prior', 'show'], { home });
    assert.match(text.stdout, /workspace prior store: .*\(1 tasks\)/);
    assert.match(text.stdout, /flowers|search-/);

    assert.equal(deepline(['prior', 'remove', task.name], { home }).code, 0);
    assert.deepEqual(show().workspace, []);
    const update = deepline(['prior', 'update'], { home });
    assert.equal(update.code, 0, update.stderr);
    assert.match(update.stdout, /^1 study added to the prior store/m);
    assert.deepEqual(show().workspace.map((t) => [t.name, t.label]), [[task.name, 'flowers']]);
    assert.match(deepline(['prior', 'update'], { home }).stdout, /^0 studies added/m);
  });

  it('refuses a malformed prior file and an unknown name with DL_PRIOR (exit 2), naming the field', () => {
    const dir = tempDir('deepline-prior-bad-');
    const file = join(dir, 'prior.json');
    writeFileSync(file, JSON.stringify({ formatVersion: 1, builtWith: 'hand', tasks: [{ name: 'x', label: 'x', family: 'mlp', metaFeatures: {}, errorName: 'rmse', configs: [{ params: {}, error: 1 }] }] }));
    const bad = deepline(['prior', 'show', '--file', file, '--json'], { home: join(dir, 'home') });
    assert.equal(bad.code, 2);
    const error = (JSON.parse(bad.stdout) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'DL_PRIOR');
    assert.match(error.message, /tasks\[0\] \("x"\): metaFeatures\.modality must be a string/);
    writeFileSync(file, JSON.stringify({ formatVersion: 99, tasks: [] }));
    assert.match(deepline(['prior', 'show', '--file', file], { home: join(dir, 'home') }).stderr, /formatVersion must be 1, but got 99/);
    const unknown = deepline(['prior', 'remove', 'nope'], { home: join(dir, 'home') });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /DL_PRIOR.*no task named "nope"/);
  });
});

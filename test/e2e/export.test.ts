import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deepline, ROOT, tempDir } from './cli-helpers.ts';

/** ONNX's own checker (`python3-onnx`), when this machine has it: full_check runs shape inference too. */
function onnxChecker(): ((file: string) => { ok: boolean; output: string }) | undefined {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  return (file) => {
    const r = spawnSync('/usr/bin/python3', ['-c', 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print("valid")', file], { encoding: 'utf8' });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  };
}

describe('deployment export', { timeout: 300_000 }, () => {
  const dir = tempDir('deepline-export-');
  copyFileSync(join(ROOT, 'examples/data/iris.csv'), join(dir, 'iris.csv'));
  const task = (name: string, extra = ''): string => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, `name: ${name}\ndata: { path: ./iris.csv, target: species }\nsearch: { enabled: false }\nbudget: { epochs: 20 }\noutput: ./out-${name}\n${extra}`);
    return file;
  };

  it('publishes model.onnx, checked against the TF.js model on test examples, with the class names inside', (t) => {
    const r = deepline(['run', task('iris')], { home: tempDir(), cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const check = JSON.parse(readFileSync(join(dir, 'out-iris/export-onnx.json'), 'utf8')) as { maxAbsDiff: number; examples: number; inputShape: unknown[]; outputShape: unknown[]; bytes: number };
    assert.ok(check.examples >= 20, `checked on ${check.examples} examples`);
    assert.ok(check.maxAbsDiff <= 1e-4, `max difference ${check.maxAbsDiff}`);
    assert.deepEqual([check.inputShape, check.outputShape], [[null, 4], [null, 3]]);
    const bytes = readFileSync(join(dir, 'out-iris/model.onnx'));
    assert.equal(bytes.length, check.bytes);
    assert.ok(bytes.includes(Buffer.from('["setosa","versicolor","virginica"]')), 'the class names are in the metadata');
    const checker = onnxChecker();
    if (!checker) {
      t.diagnostic('python3-onnx is not installed: the ONNX checker was not run (apt-get install python3-onnx)');
      return;
    }
    const verdict = checker(join(dir, 'out-iris/model.onnx'));
    assert.ok(verdict.ok, verdict.output);
  });

  it('writes no export with `export: []`', () => {
    const r = deepline(['run', task('no-export', 'export: []\n')], { home: tempDir(), cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dir, 'out-no-export/model/model.json')));
    assert.ok(!existsSync(join(dir, 'out-no-export/model.onnx')));
  });

  it('names the registered exporters for a misspelt one', () => {
    const r = deepline(['run', task('misspelt', 'export: [onxx]\n')], { home: tempDir(), cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /misspelt\.yaml:\d+:\d+ export\[0\]: expected a registered exporter \(onnx\), but got "onxx" — did you mean `onnx`\?/);
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI, deepline, ROOT, tempDir } from './cli-helpers.ts';

describe('deepline serve', { timeout: 300_000 }, () => {
  it('serves a run by its id, answers a prediction, and stops cleanly on SIGTERM', async (t) => {
    const dir = tempDir('deepline-serve-cli-');
    const home = join(dir, 'home');
    copyFileSync(join(ROOT, 'examples/data/iris.csv'), join(dir, 'iris.csv'));
    writeFileSync(join(dir, 'iris.yaml'), 'name: iris\ndata: { path: ./iris.csv, target: species }\nsearch: { enabled: false }\nbudget: { epochs: 60 }\noutput: ./out\n');
    const run = deepline(['run', join(dir, 'iris.yaml'), '--json'], { home, cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const { runId } = JSON.parse(run.stdout) as { runId: string };

    const child = spawn(process.execPath, [...CLI, '--home', home, 'serve', runId.slice(0, 17), '--port', '0', '--api-key', 'k'], {
      cwd: dir,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    t.after(() => child.kill('SIGKILL'));
    const address = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /serving iris at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m && stdout.includes('/predict')) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
    });
    assert.match(stdout, /POST http:\/\/127\.0\.0\.1:\d+\/v1\/models\/iris\/predict {2}tabular-classification: a JSON object of column values/);

    const r = await fetch(`${address}/v1/models/iris/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body: JSON.stringify({ instances: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }] }),
    });
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { predictions: { label: string }[] }).predictions[0]!.label, 'setosa');

    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.match(stdout, /SIGTERM: answering the requests in flight, then stopping/);
  });

  it('says what is wrong with a folder that holds no model.onnx', () => {
    const dir = tempDir('deepline-serve-empty-');
    const r = deepline(['serve', dir, '--port', '0'], { home: join(dir, 'home') });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /error\[DL_DATA_MISSING\]: .*model\.onnx/);
  });
});

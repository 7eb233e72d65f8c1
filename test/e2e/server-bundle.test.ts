import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createServer } from '../../src/serve/create-server.ts';
import { loadServedModel } from '../../src/serve/served-model.ts';
import { deepline, ROOT, tempDir } from './cli-helpers.ts';

const IRIS = [
  { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
  { sepal_length: 6.0, sepal_width: 2.7, petal_length: 5.1, petal_width: 1.6 },
  { sepal_length: 6.3, sepal_width: 3.3, petal_length: 6.0, petal_width: 2.5 },
  { sepal_length: 5.5, sepal_width: 2.4, petal_length: 3.8, petal_width: 1.1 },
];

describe('deepline package --target server', { timeout: 300_000 }, () => {
  it('writes a bundle that starts with npm ci && npm start and answers as deepline serve does', async (t) => {
    const dir = tempDir('deepline-server-bundle-');
    const home = join(dir, 'home');
    copyFileSync(join(ROOT, 'examples/data/iris.csv'), join(dir, 'iris.csv'));
    writeFileSync(join(dir, 'iris.yaml'), 'name: iris\ndata: { path: ./iris.csv, target: species }\nsearch: { enabled: false }\nbudget: { epochs: 40 }\noutput: ./out\n');
    const run = deepline(['run', join(dir, 'iris.yaml'), '--json'], { home, cwd: dir });
    assert.equal(run.code, 0, run.stderr);

    const bundle = join(dir, 'bundle');
    const packaged = deepline(['package', join(dir, 'out'), '--target', 'server', '--out', bundle, '--json'], { home });
    assert.equal(packaged.code, 0, packaged.stderr);
    const result = JSON.parse(packaged.stdout) as { files: string[]; start: string[] };
    for (const file of ['server.mjs', 'package.json', 'package-lock.json', 'Dockerfile', 'README.md', 'model/model.onnx', 'model/transform.json']) {
      assert.ok(result.files.includes(file), `${file} in ${result.files.join(', ')}`);
    }
    assert.deepEqual(result.start, ['npm ci', 'npm start']);
    const manifest = JSON.parse(readFileSync(join(bundle, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    // A table model needs ONNX Runtime only: the server itself is inside server.mjs.
    assert.deepEqual(Object.keys(manifest.dependencies), ['onnxruntime-node']);
    const again = deepline(['package', join(dir, 'out'), '--out', bundle], { home });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /error\[DL_USAGE\]: .*bundle is not empty/);

    // The bundle installs as a user would install it, from the pinned lockfile (npm's cache first:
    // deepline's own install put those packages there, so this works without a network).
    const install = spawnSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: bundle, encoding: 'utf8', timeout: 180_000 });
    assert.equal(install.status, 0, `${install.stdout}\n${install.stderr}`);
    assert.doesNotMatch(install.stderr, /npm (warn|error)/);
    assert.ok(existsSync(join(bundle, 'node_modules/onnxruntime-node')));

    const server = spawn('npm', ['start'], { cwd: bundle, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    t.after(() => {
      try {
        process.kill(-server.pid!, 'SIGKILL');
      } catch {
        // already stopped
      }
    });
    let stdout = '';
    let stderr = '';
    server.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const address = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /serving iris at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m && stdout.includes('/predict')) resolve(m[1]!);
      });
      server.on('exit', (code) => reject(new Error(`the bundle's server exited (${code}): ${stderr}`)));
    });

    const ask = async (base: string, instances: unknown[]): Promise<{ status: number; body: { predictions?: unknown[] } }> => {
      const r = await fetch(`${base}/v1/models/iris/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances }) });
      return { status: r.status, body: (await r.json()) as { predictions?: unknown[] } };
    };
    const fromBundle = await ask(address, IRIS);
    assert.equal(fromBundle.status, 200);

    // deepline serve on the run's own folder: the same answers, to the last digit.
    const reference = await createServer([await loadServedModel(join(dir, 'out'), { name: 'iris' })]);
    t.after(() => reference.close());
    const fromServe = await ask(await reference.app.listen({ port: 0, host: '127.0.0.1' }), IRIS);
    assert.deepEqual(fromBundle.body.predictions, fromServe.body.predictions);
    assert.equal((fromBundle.body.predictions as { label: string }[])[0]!.label, 'setosa');

    // The README's curl example is a request the bundle accepts.
    const readme = readFileSync(join(bundle, 'README.md'), 'utf8');
    const example = /-d '(\{"instances".*\})'/.exec(readme);
    assert.ok(example, readme);
    const fromReadme = await ask(address, (JSON.parse(example[1]!) as { instances: unknown[] }).instances);
    assert.equal(fromReadme.status, 200, JSON.stringify(fromReadme.body));
    // And it checks records as deepline serve does.
    const wrong = await ask(address, [{ ...IRIS[0], petal_widht: 1 }]);
    assert.equal(wrong.status, 400);

    // npm and the node process under it both get the signal; npm may exit before node has said
    // why it stops, so wait for the output to close (every writer gone), not for npm's exit.
    const closed = new Promise((resolve) => server.stdout.on('close', resolve));
    process.kill(-server.pid!, 'SIGTERM');
    await closed;
    assert.match(stdout, /SIGTERM: answering the requests in flight, then stopping/);
  });

  it('refuses a run without model.onnx and an unknown target, naming what is wrong', () => {
    const dir = tempDir('deepline-server-bundle-bad-');
    const home = join(dir, 'home');
    const empty = deepline(['package', dir, '--out', join(dir, 'b')], { home });
    assert.equal(empty.code, 2, empty.stderr);
    assert.match(empty.stderr, /error\[DL_DATA_MISSING\]: .*model\.onnx does not exist/);
    const unknown = deepline(['package', dir, '--target', 'servr'], { home });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown package target `servr` \(did you mean `server`\?\)/);
  });
});

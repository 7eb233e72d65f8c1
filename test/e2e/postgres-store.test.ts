import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { postgresUnavailable, TestSchemas } from '../../src/testing/postgres-test-database.ts';
import { CLI, ROOT, tempDir, type CliResult } from './cli-helpers.ts';


/** `deepline` run from `cwd` with its default `--home` (`.deepline` there) and extra environment. */
function deeplineIn(cwd: string, args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', DEEPLINE_STORE_URL: '', ...env }, timeout: 400_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TASK = [
  'name: digits',
  'task: image-classification',
  `data: { path: ${join(ROOT, 'examples/data/digits.csv')}, target: digit, image: { width: 8, height: 8, channels: 1 } }`,
  'budget: { trials: 2, epochs: 4 }',
  'search: { workers: 1, prior: false }',
  'security: { enabled: false }',
  'seed: 3',
  'output: ./out',
].join('\n');

const skip = await postgresUnavailable();

describe('deepline with its stores in PostgreSQL', { timeout: 900_000, ...(skip && { skip }) }, () => {
  const schemas = new TestSchemas();
  after(() => schemas.dropAll());

  it('runs a search into PostgreSQL from an empty folder; runs, show, registry and serve elsewhere see it', async (t) => {
    const store = schemas.next();
    const driver = tempDir('deepline-pg-driver-');
    writeFileSync(join(driver, 'digits.yaml'), `${TASK}\n`);
    const run = deeplineIn(driver, ['run', 'digits.yaml', '--store', store, '--register', 'digits', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { runId: string; metrics: { accuracy: number }; registered: { model: string; version: number } };
    assert.ok(result.metrics.accuracy > 0.5, `accuracy ${result.metrics.accuracy}`);
    assert.deepEqual(result.registered, { model: 'digits', version: 1 });
    // Nothing recorded locally: the embedded stores of that folder hold no run, and no artifact store.
    const local = deeplineIn(driver, ['runs', '--json']);
    assert.equal(local.code, 0, local.stderr);
    assert.deepEqual(JSON.parse(local.stdout), []);
    assert.equal(existsSync(join(driver, '.deepline', 'artifacts')), false, 'no local artifact store');
    assert.equal(existsSync(join(driver, '.deepline', 'artifact-cache')), true, 'the read-through cache');

    // Another folder, the URL from the environment: the run is listed with its search.
    const elsewhere = tempDir('deepline-pg-reader-');
    const runs = deeplineIn(elsewhere, ['runs', '--json'], { DEEPLINE_STORE_URL: store });
    assert.equal(runs.code, 0, runs.stderr);
    const listed = JSON.parse(runs.stdout) as Array<{ id: string; status: string; name: string }>;
    assert.deepEqual(listed.map((r) => [r.id, r.status, r.name]), [[result.runId, 'completed', 'digits']]);
    const show = deeplineIn(elsewhere, ['show', result.runId.slice(0, 17), '--store', store, '--json']);
    assert.equal(show.code, 0, show.stderr);
    const detail = JSON.parse(show.stdout) as { run: { id: string; status: string }; steps: Array<{ name: string; status: string }>; artifacts: Array<{ uri: string }> };
    assert.equal(detail.run.id, result.runId);
    assert.equal(detail.run.status, 'completed');
    assert.equal(detail.steps.find((s) => s.name === 'search')?.status, 'completed');
    assert.ok(detail.artifacts.length > 0 && detail.artifacts.every((a) => a.uri.startsWith('postgres:')), 'artifacts live in PostgreSQL');

    // The same task with `store:` in the task file, from a third folder: every step is reused from PostgreSQL.
    const again = tempDir('deepline-pg-again-');
    writeFileSync(join(again, 'digits.yaml'), `${TASK}\nstore: ${store}\n`);
    const rerun = deeplineIn(again, ['run', 'digits.yaml', '--json']);
    assert.equal(rerun.code, 0, rerun.stderr);
    const rerunResult = JSON.parse(rerun.stdout) as { runId: string; steps: Array<{ status: string }> };
    const steps = rerunResult.steps;
    assert.ok(steps.length > 5 && steps.every((s) => s.status === 'cached'), `all cached: ${steps.map((s) => s.status).join(',')}`);
    assert.equal((JSON.parse(deeplineIn(elsewhere, ['runs', '--json', '--store', store]).stdout) as unknown[]).length, 2);
    // Deleting the rerun from a third folder leaves the first run, its artifacts and its registered model.
    const deleted = deeplineIn(elsewhere, ['runs', 'delete', rerunResult.runId, '--store', store]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual((JSON.parse(deeplineIn(elsewhere, ['runs', '--json', '--store', store]).stdout) as Array<{ id: string }>).map((r) => r.id), [result.runId]);

    const promote = deeplineIn(elsewhere, ['registry', 'promote', 'digits', '1', '--store', store]);
    assert.equal(promote.code, 0, promote.stderr);
    assert.match(promote.stdout, /digits: version 1 → production/);

    // A fresh folder serves the production version from the artifacts in PostgreSQL.
    const server = tempDir('deepline-pg-serve-');
    const child = spawn(process.execPath, [...CLI, 'serve', 'digits', '--store', store, '--port', '0', '--no-log'], {
      cwd: server,
      env: { ...process.env, CI: 'true', DEEPLINE_STORE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const address = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /serving digits at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m && stdout.includes('/predict')) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
    });
    assert.match(stdout, /version 1 of digits \(production/);
    // A zero drawn in 8x8 (the first row of digits.csv is a 0).
    const zero = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0, 8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0];
    const r = await fetch(`${address}/v1/models/digits/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: [{ pixels: zero }] }) });
    assert.equal(r.status, 200);
    const body = (await r.json()) as { version: string; predictions: Array<{ label: string }> };
    assert.equal(body.version, '1');
    assert.equal(body.predictions[0]!.label, '0');
    assert.ok(existsSync(join(server, '.deepline', 'artifact-cache')), 'the model came through the local cache');
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
  });
});

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readPredictionLog, type PredictionLogWarning } from '../../src/monitor/prediction-log/prediction-log-reader.ts';
import type { PredictionRecord } from '../../src/monitor/prediction-log/prediction-record.ts';
import { CLI, deepline, ROOT, tempDir } from './cli-helpers.ts';

interface Served {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
}

/** Starts `deepline serve` and resolves once it prints its address. */
async function startServe(args: string[], home: string, cwd: string): Promise<Served> {
  const child = spawn(process.execPath, [...CLI, '--home', home, 'serve', ...args, '--port', '0'], {
    cwd,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /serving iris at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (m && /predictions (not )?logged/.test(stdout)) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
  });
  return { child, url, exited, stdout: () => stdout, stderr: () => stderr };
}

async function readLog(dir: string): Promise<{ records: PredictionRecord[]; warnings: PredictionLogWarning[] }> {
  const warnings: PredictionLogWarning[] = [];
  const records: PredictionRecord[] = [];
  for await (const r of readPredictionLog(dir, { onWarning: (w) => warnings.push(w) })) records.push(r);
  return { records, warnings };
}

const FLOWERS = [
  { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
  { sepal_length: 6.4, sepal_width: 3.2, petal_length: 4.5, petal_width: 1.5 },
  { sepal_length: 6.3, sepal_width: 3.3, petal_length: 6.0, petal_width: 2.5 },
  { sepal_length: 5.9, sepal_width: 3.0, petal_length: 5.1, petal_width: 1.8 },
];

describe('deepline serve: the prediction log', { timeout: 600_000 }, () => {
  it('survives a SIGKILL under load: the log reads without error, every record the OS had intact', async (t) => {
    const dir = tempDir('deepline-serve-kill-');
    const home = join(dir, 'home');
    copyFileSync(join(ROOT, 'examples/data/iris.csv'), join(dir, 'iris.csv'));
    writeFileSync(join(dir, 'iris.yaml'), 'name: iris\ndata: { path: ./iris.csv, target: species }\nsearch: { enabled: false }\nbudget: { epochs: 20 }\noutput: ./out\n');
    const run = deepline(['run', join(dir, 'iris.yaml')], { home, cwd: dir });
    assert.equal(run.code, 0, run.stderr);

    // The default log folder: <home>/predictions.
    const log = join(home, 'predictions');
    const server = await startServe(['./out'], home, dir);
    t.after(() => server.child.kill('SIGKILL'));
    assert.match(server.stdout(), /predictions logged to .*predictions/);

    let sent = 0;
    let answered = 0;
    let stop = false;
    const client = async (c: number): Promise<void> => {
      for (let k = 0; !stop; k++) {
        sent += FLOWERS.length;
        try {
          const r = await fetch(`${server.url}/v1/models/iris/predict${k % 2 ? '?explain=uncertainty' : ''}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-request-id': `c${c}-${k}` },
            body: JSON.stringify({ instances: FLOWERS }),
          });
          if (r.status !== 200) throw new Error(`status ${r.status}: ${await r.text()}`);
          await r.arrayBuffer();
          answered += FLOWERS.length;
        } catch (e) {
          if (!stop) throw e;
        }
      }
    };
    const clients = Array.from({ length: 8 }, (_, c) => client(c));
    const deadline = Date.now() + 120_000;
    while (answered < 2_000) {
      if (Date.now() > deadline) assert.fail(`${answered} instances answered in 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // What the server says it has written, read while the load goes on; then the kill, mid-stream.
    const answeredBefore = answered;
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    server.child.kill('SIGKILL');
    stop = true;
    const state = (name: string): number => Number(new RegExp(`deepline_prediction_log_records\\{state="${name}"\\} (\\d+)`).exec(metrics)?.[1] ?? NaN);
    const [written, pending, dropped, failed] = ['written', 'pending', 'dropped', 'failed'].map(state) as [number, number, number, number];
    assert.ok(Number.isFinite(written), metrics);
    assert.equal((await server.exited).signal, 'SIGKILL');
    await Promise.all(clients);

    const { records, warnings } = await readLog(log);
    // The bound asserted: every record the server had handed to the OS is read back —
    // count ≥ written ≥ (instances answered before the metrics were read) − pending − dropped − failed
    // (an instance's record is queued before its answer is sent, and at most the pending ones, under
    // 20 ms old, die with the process). No more than were sent can appear.
    assert.ok(records.length >= written, `${records.length} read < ${written} written`);
    assert.ok(records.length >= answeredBefore - pending - dropped - failed, `${records.length} read, ${answeredBefore} answered, ${pending} pending`);
    assert.ok(records.length <= sent, `${records.length} read > ${sent} sent`);
    for (const w of warnings) assert.equal(w.reason, 'torn', w.message);
    for (const r of records) {
      assert.equal(r.model, 'iris');
      assert.ok(r.latencyMs >= 0);
      assert.ok(['setosa', 'versicolor', 'virginica'].includes((r.prediction as { label: string }).label));
      assert.equal(typeof r.uncertainty?.margin, 'number');
      assert.deepEqual(r.input, FLOWERS[r.instance]);
    }
    console.log(`# killed with ${answeredBefore} instances answered, ${written} written, ${pending} pending: ${records.length} records read back, ${warnings.length} torn`);

    // Served again on the same log: a new segment; a graceful stop writes every answer.
    const again = await startServe(['./out'], home, dir);
    t.after(() => again.child.kill('SIGKILL'));
    for (let k = 0; k < 5; k++) {
      const r = await fetch(`${again.url}/v1/models/iris/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: FLOWERS }) });
      assert.equal(r.status, 200);
    }
    again.child.kill('SIGTERM');
    assert.equal((await again.exited).code, 0, again.stderr());
    const after = await readLog(log);
    assert.equal(after.records.length, records.length + 5 * FLOWERS.length, 'SIGTERM flushes the log');
    assert.deepEqual(after.records.slice(0, records.length), records);
    assert.deepEqual(after.warnings, warnings);
  });

  it('keeps no log with --no-log', async (t) => {
    const dir = tempDir('deepline-serve-nolog-');
    const home = join(dir, 'home');
    copyFileSync(join(ROOT, 'examples/data/iris.csv'), join(dir, 'iris.csv'));
    writeFileSync(join(dir, 'iris.yaml'), 'name: iris\ndata: { path: ./iris.csv, target: species }\nsearch: { enabled: false }\nbudget: { epochs: 5 }\noutput: ./out\n');
    assert.equal(deepline(['run', join(dir, 'iris.yaml')], { home, cwd: dir }).code, 0);
    const server = await startServe(['./out', '--no-log'], home, dir);
    t.after(() => server.child.kill('SIGKILL'));
    assert.match(server.stdout(), /predictions not logged \(--no-log\)/);
    const r = await fetch(`${server.url}/v1/models/iris/predict?explain=uncertainty`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: FLOWERS }) });
    assert.equal(r.status, 200);
    server.child.kill('SIGTERM');
    assert.equal((await server.exited).code, 0);
    assert.ok(!existsSync(join(home, 'predictions')), 'nothing written');
    const bad = deepline(['serve', './out', '--log-sample', '2', '--port', '0'], { home, cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--log-sample must be a number from 0 to 1, but got 2/);
  });
});

import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { PredictionLogWriter } from '../../src/monitor/prediction-log/prediction-log-writer.ts';
import { PREDICTION_LOG_VERSION } from '../../src/monitor/prediction-log/prediction-record.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { CLI, deepline, ROOT, tempDir } from './cli-helpers.ts';
import { spawn } from 'node:child_process';

describe('deepline monitor', { timeout: 300_000 }, () => {
  it('passes a window like the training data, and fails a shifted one with DL_DRIFT, a report and a webhook call', async (t) => {
    const dir = tempDir('deepline-monitor-cli-');
    const home = join(dir, 'home');
    copyFileSync(join(ROOT, 'examples/data/iris.csv'), join(dir, 'iris.csv'));
    writeFileSync(join(dir, 'iris.yaml'), 'name: iris\ndata: { path: ./iris.csv, target: species }\nsearch: { enabled: false }\nsecurity: { enabled: false }\nbudget: { epochs: 40 }\noutput: ./out\n');
    const run = deepline(['run', join(dir, 'iris.yaml')], { home, cwd: dir });
    assert.equal(run.code, 0, run.stderr);

    // Logged traffic, as deepline serve writes it: iris rows, then the same rows with longer petals.
    const rows = parse(readFileSync(join(dir, 'iris.csv')), { columns: true, cast: true }) as Record<string, number | string>[];
    const random = createSeededRandom(4);
    const log = async (folder: string, shift: number): Promise<void> => {
      const writer = await PredictionLogWriter.open({ dir: folder });
      for (let k = 0; k < 150; k++) {
        const { species, ...input } = rows[random.int(rows.length)]!;
        writer.append({
          v: PREDICTION_LOG_VERSION,
          time: new Date(Date.UTC(2026, 11, 4, 12, 0, k)).toISOString(),
          model: 'iris',
          request: `r${k}`,
          instance: 0,
          latencyMs: 1,
          input: { ...input, petal_length: (input.petal_length as number) + shift },
          prediction: { label: String(species) },
          uncertainty: { margin: (k % 50) / 50 },
        });
      }
      await writer.close();
    };
    await log(join(dir, 'calm'), 0);
    await log(join(dir, 'shifted'), 1.5);

    const calm = deepline(['monitor', join(dir, 'out'), '--log', join(dir, 'calm'), '--json'], { home });
    assert.equal(calm.code, 0, calm.stderr);
    const calmResult = JSON.parse(calm.stdout) as { drift: boolean; window: number; features: { feature: string }[]; report: string };
    assert.equal(calmResult.drift, false);
    assert.equal(calmResult.window, 150);
    assert.deepEqual(calmResult.features.map((f) => f.feature).sort(), ['column:petal_length', 'column:petal_width', 'column:sepal_length', 'column:sepal_width', 'prediction']);
    assert.ok(existsSync(calmResult.report) && existsSync(calmResult.report.replace(/\.html$/, '.json')));

    const received: unknown[] = [];
    const hook = createServer((request, response) => {
      let body = '';
      request.on('data', (d: Buffer) => (body += d.toString()));
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.end('ok');
      });
    });
    await new Promise<void>((done) => hook.listen(0, '127.0.0.1', done));
    t.after(() => hook.close());
    const port = (hook.address() as { port: number }).port;

    // Asynchronously: the webhook server lives in this process, whose loop must run meanwhile.
    const shifted = await deeplineAsync(['monitor', join(dir, 'out'), '--log', join(dir, 'shifted'), '--window', '100', '--webhook', `http://127.0.0.1:${port}/drift`, '--report', join(dir, 'drift.html')], { home });
    assert.equal(shifted.code, 1, shifted.stderr);
    assert.match(shifted.stderr, /error\[DL_DRIFT\]: iris drifted in column:petal_length/);
    assert.match(shifted.stdout, /column:petal_length\s+ks\s+\S+\s+\S+\s+DRIFT/);
    assert.match(shifted.stdout, /100 predictions of iris/);
    const html = readFileSync(join(dir, 'drift.html'), 'utf8');
    assert.match(html, /Drift in 1 of 5 features: column:petal_length/);
    assert.match(html, /<svg/);
    assert.equal(received.length, 1);
    assert.deepEqual((received[0] as { drifted: string[] }).drifted, ['column:petal_length']);

    const none = deepline(['monitor', join(dir, 'out'), '--log', join(dir, 'calm'), '--name', 'irises'], { home });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /holds 0 predictions of irises/);

    // The most uncertain shifted inputs go out to be labelled, and come back as a data version.
    const file = join(dir, 'to-label.csv');
    const exported = deepline(['label', 'export', join(dir, 'out'), '--log', join(dir, 'shifted'), '--out', file, '--count', '20', '--json'], { home });
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal((JSON.parse(exported.stdout) as { rows: number }).rows, 20);
    const table = parse(readFileSync(file), { columns: true }) as Record<string, string>[];
    assert.deepEqual(Object.keys(table[0]!), ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'prediction', 'margin', 'request', 'instance', 'time', 'label']);
    const margins = table.map((r) => Number(r.margin));
    assert.deepEqual(margins, [...margins].sort((a, b) => a - b), 'the smallest margins first');
    assert.ok(margins.at(-1)! < 0.3, String(margins));
    const filled = table.map((r, k) => ({ ...r, label: k < 15 ? r.prediction : '' }));
    writeFileSync(file, [Object.keys(filled[0]!).join(','), ...filled.map((r) => Object.values(r).join(','))].join('\n'));
    const imported = deepline(['label', 'import', file, '--model', join(dir, 'out'), '--json'], { home });
    assert.equal(imported.code, 0, imported.stderr);
    const batch = JSON.parse(imported.stdout) as { rows: number; unlabelled: number; file: string; from: { request: string }[]; target: string };
    assert.equal(batch.rows, 15);
    assert.equal(batch.unlabelled, 5);
    assert.equal(batch.target, 'species');
    assert.deepEqual(batch.from.map((f) => f.request), table.slice(0, 15).map((r) => r.request));
    const kept = parse(readFileSync(batch.file), { columns: true }) as Record<string, string>[];
    assert.deepEqual(Object.keys(kept[0]!), ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species']);
    assert.equal(kept.length, 15);
  });
});

function deeplineAsync(args: string[], options: { home: string }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...CLI, '--home', options.home, ...args], { cwd: ROOT, env: { ...process.env, CI: 'true' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

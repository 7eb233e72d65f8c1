import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import sharp from 'sharp';
import { CLI, deepline, ROOT, tempDir } from './cli-helpers.ts';

const DIGITS = readFileSync(join(ROOT, 'examples/data/digits.csv'), 'utf8').trim().split(/\r?\n/);
/** Pixel rows sent as `{ pixels }`: 20 of the training CSV, with the values the CSV holds. */
const PIXEL_ROWS = DIGITS.slice(1, 21).map((line) => line.split(',').slice(0, 64).map(Number));
/** Image files sent as `{ image }`: one 16x16 PNG of each digit. */
const PNGS = Array.from({ length: 10 }, (_, d) => join(ROOT, `examples/data/digits-images/${d}/001.png`));

/** Starts `deepline serve` and resolves with its address once it prints its banner. */
async function startServe(args: string[], home: string, cwd: string) {
  const child = spawn(process.execPath, [...CLI, '--home', home, 'serve', ...args, '--port', '0'], {
    cwd,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /serving digits at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (m && /predictions logged/.test(stdout)) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
  });
  return { child, url, exited, stdout: () => stdout };
}

async function predict(url: string, requestId: string, instances: unknown[]): Promise<void> {
  const r = await fetch(`${url}/v1/models/digits/predict?explain=uncertainty`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body: JSON.stringify({ instances }) });
  assert.equal(r.status, 200, await r.text());
}

describe('deepline label export/import: image models from the prediction log', { timeout: 600_000 }, () => {
  it('keeps served images, exports them as files to label, and imports the labels as pixel-CSV rows', async (t) => {
    const dir = tempDir('deepline-label-images-');
    const home = join(dir, 'home');
    const log = join(dir, 'log');
    writeFileSync(
      join(dir, 'digits.yaml'),
      `name: digits\ntask: image-classification\ndata: { path: ${join(ROOT, 'examples/data/digits.csv')}, target: digit, image: { width: 8, height: 8, channels: 1 } }\nsearch: { enabled: false }\nsecurity: { enabled: false }\nbudget: { epochs: 8 }\nseed: 3\noutput: ./out\n`,
    );
    const run = deepline(['run', join(dir, 'digits.yaml')], { home, cwd: dir });
    assert.equal(run.code, 0, run.stderr);

    const server = await startServe(['./out', '--log', log], home, dir);
    t.after(() => server.child.kill('SIGKILL'));
    assert.match(server.stdout(), /image inputs kept/);
    await predict(server.url, 'px-a', PIXEL_ROWS.slice(0, 10).map((pixels) => ({ pixels })));
    await predict(server.url, 'px-b', PIXEL_ROWS.slice(10).map((pixels) => ({ pixels })));
    const images = PNGS.map((file) => ({ image: readFileSync(file).toString('base64') }));
    await predict(server.url, 'png', images);
    // The same image again: logged again, kept once.
    await predict(server.url, 'png-again', images.slice(0, 1));
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);

    // The store: one file per distinct input, content-addressed, next to the log's segments.
    const kept = join(log, 'digits', 'inputs');
    const names = readdirSync(kept);
    assert.equal(names.filter((n) => n.endsWith('.json')).length, 20, names.join(' '));
    assert.equal(names.filter((n) => n.endsWith('.png')).length, 10, names.join(' '));
    assert.ok(names.every((n) => /^[0-9a-f]{64}\.(json|png)$/.test(n)), names.join(' '));
    // An input the store no longer holds is skipped and counted.
    const gone = names.find((n) => n.endsWith('.json'))!;
    rmSync(join(kept, gone));

    const out = join(dir, 'to-label', 'batch.csv');
    const exported = deepline(['label', 'export', './out', '--out', out, '--count', '40', '--log', log, '--json'], { home, cwd: dir });
    assert.equal(exported.code, 0, exported.stderr);
    const summary = JSON.parse(exported.stdout) as { rows: number; logged: number; imagesMissing: number };
    assert.deepEqual({ rows: summary.rows, logged: summary.logged, imagesMissing: summary.imagesMissing }, { rows: 29, logged: 31, imagesMissing: 1 });

    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 29);
    assert.deepEqual(Object.keys(rows[0]!), ['image', 'prediction', 'margin', 'request', 'instance', 'time', 'label']);
    for (const row of rows) {
      assert.equal(row.label, '');
      assert.match(row.image!, /^images\/[0-9a-f]{64}\.png$/);
      const file = join(dirname(out), row.image!);
      assert.ok(existsSync(file), file);
      const meta = await sharp(readFileSync(file)).metadata();
      assert.equal(meta.format, 'png');
      // Pixel inputs are drawn on the model's grid; image files are copied as sent.
      assert.deepEqual([meta.width, meta.height], row.request === 'png' ? [16, 16] : [8, 8]);
    }

    // Labels filled in (the digit each was sent as); one row left empty.
    const truth = (request: string, instance: number): string => (request === 'png' ? String(instance) : DIGITS[1 + instance + (request === 'px-b' ? 10 : 0)]!.split(',')[64]!);
    const filled = rows.map((r, k) => ({ ...r, label: k === 0 ? '' : truth(r.request!, Number(r.instance)) }));
    writeFileSync(out, stringify(filled, { header: true }));
    const imported = deepline(['label', 'import', out, '--model', './out', '--json'], { home, cwd: dir });
    assert.equal(imported.code, 0, imported.stderr);
    const batch = JSON.parse(imported.stdout) as { file: string; rows: number; unlabelled: number; target: string; from: { request: string; instance: number }[] };
    assert.deepEqual([batch.rows, batch.unlabelled, batch.target], [28, 1, 'digit']);

    const table = parse(readFileSync(batch.file, 'utf8'), { columns: true }) as Record<string, string>[];
    assert.deepEqual(Object.keys(table[0]!), DIGITS[0]!.split(','));
    assert.equal(table.length, 28);
    let pngs = 0;
    let pixels = 0;
    for (const [k, row] of table.entries()) {
      const { request, instance } = batch.from[k]!;
      assert.equal(row.digit, truth(request, instance));
      const values = Array.from({ length: 64 }, (_, j) => Number(row[`px${j}`]));
      if (request === 'png') {
        // Independently: the PNG resized to 8x8 grey, its 0..255 values on the training scale (0..16).
        const grey = await sharp(readFileSync(PNGS[instance]!)).resize(8, 8, { fit: 'fill' }).greyscale().raw().toBuffer();
        grey.forEach((v, j) => assert.ok(Math.abs(values[j]! - (v / 255) * 16) <= 16 / 255 + 1e-6, `png ${instance} px${j}: ${values[j]} vs ${(v / 255) * 16}`));
        pngs++;
      } else {
        // Pixels sent as numbers come back as sent, to within half an 8-bit step.
        const sent = PIXEL_ROWS[instance + (request === 'px-b' ? 10 : 0)]!;
        sent.forEach((v, j) => assert.ok(Math.abs(values[j]! - v) <= 16 / 255 / 2 + 1e-6, `${request} ${instance} px${j}: ${values[j]} vs ${v}`));
        pixels++;
      }
    }
    assert.ok(pngs >= 9 && pixels >= 18, `${pngs} PNG rows, ${pixels} pixel rows`);
  });
});

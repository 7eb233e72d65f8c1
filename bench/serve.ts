/**
 * Serving benchmark (issue 13): the digits model served by `deepline serve` (compiled CLI, its own
 * process) under autocannon on 127.0.0.1, at 1 and 64 concurrent clients, with dynamic batching on
 * and off; and in the same run, ONNX Runtime's in-process throughput at batch 1 and at the serving
 * batch size — the limit HTTP serving approaches — and the HTTP ceiling: an empty fastify route
 * under the same load (bench/fixtures/http-ceiling-server.mjs), the most any Node.js server
 * answers here whatever it does per request. Each request carries one real test image.
 *
 *   npm run bench:serve -- [--seconds 20] [--max-batch 32] [--max-wait-ms 0] [--model <output folder>]
 *
 * Without --model it first trains the digits demo model once (no search) into a temp folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { parse } from 'csv-parse/sync';
import { loadServedModel } from '../src/serve/served-model.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'deepline.js');

const CEILING = 'HTTP ceiling (no model)';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    'max-batch': { type: 'string', default: '32' },
    'max-wait-ms': { type: 'string', default: '0' },
    model: { type: 'string' },
  },
});

interface Row {
  readonly setting: string;
  readonly clients: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

async function trainDigits(dir: string): Promise<string> {
  const out = join(dir, 'digits');
  const r = spawnSync(process.execPath, [BIN, '--home', join(dir, 'home'), 'run', join(ROOT, 'examples/digits.yaml'), '--no-search', '--output', out], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  if (r.status !== 0) throw new Error(`training the digits model failed:\n${r.stderr}`);
  return out;
}

/** Starts a server process (`args` after node) that prints "at http://…" once it listens. */
async function startServer(args: readonly string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((done, fail) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /at (http:\/\/[\d.:]+)/.exec(out);
      if (m) done(m[1]!);
    });
    child.on('exit', (code) => fail(new Error(`serve exited (${code}): ${out}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((done) => {
        child.on('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

async function load(url: string, body: string, clients: number, seconds: number): Promise<Omit<Row, 'setting'>> {
  const result = await autocannon({
    url: `${url}/v1/models/digits/predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: clients,
    duration: seconds,
  });
  return {
    clients,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

async function inProcess(model: string, pixels: number[][], batch: number, seconds: number): Promise<number> {
  const served = await loadServedModel(model, { name: 'digits' });
  try {
    const encoded = await Promise.all(pixels.map((p) => served.encode({ pixels: p })));
    const batches = Array.from({ length: Math.ceil(encoded.length / batch) }, (_, k) => encoded.slice(k * batch, (k + 1) * batch)).filter((b) => b.length === batch);
    for (const b of batches.slice(0, 5)) await served.predict(b); // warm-up
    let done = 0;
    const started = performance.now();
    while (performance.now() - started < seconds * 1000) {
      for (const b of batches) {
        await served.predict(b);
        done += b.length;
      }
    }
    return done / ((performance.now() - started) / 1000);
  } finally {
    await served.close();
  }
}

async function main(): Promise<void> {
  const seconds = Number(args.seconds);
  const maxBatch = Number(args['max-batch']);
  const maxWaitMs = Number(args['max-wait-ms']);
  const dir = await mkdtemp(join(tmpdir(), 'deepline-bench-serve-'));
  try {
    const model = args.model ? resolve(args.model) : await trainDigits(dir);
    const rows = parse(await readFile(join(ROOT, 'examples/data/digits.csv')), { columns: true, cast: true }) as Record<string, number>[];
    const pixels = rows.map((r) => Array.from({ length: 64 }, (_, j) => r[`px${j}`]!));
    const body = JSON.stringify({ instances: [{ pixels: pixels[0] }] });

    const table: Row[] = [];
    // The server as `deepline serve` runs by default, prediction log included (kept in the temp folder).
    const serve = (batch: number, wait: number): string[] => [BIN, 'serve', `digits=${model}`, '--port', '0', '--max-batch', String(batch), '--max-wait-ms', String(wait), '--log', join(dir, `log-${batch}`)];
    const many = JSON.stringify({ instances: pixels.slice(0, maxBatch).map((p) => ({ pixels: p })) });
    let manyPerRequest: Omit<Row, 'setting'> | undefined;
    for (const [setting, command] of [
      [`batching on (max ${maxBatch}, ${maxWaitMs} ms)`, serve(maxBatch, maxWaitMs)],
      ['batching off', serve(1, 0)],
      [CEILING, [join(ROOT, 'bench/fixtures/http-ceiling-server.mjs')]],
    ] as const) {
      const server = await startServer(command);
      try {
        await load(server.url, body, 8, 2); // warm-up
        for (const clients of [1, 64]) {
          const row = { setting, ...(await load(server.url, body, clients, seconds)) };
          table.push(row);
          console.log(`${setting.padEnd(30)} ${String(clients).padStart(3)} clients  ${row.rps.toFixed(0).padStart(7)} req/s  p50 ${row.p50.toFixed(2)} ms  p99 ${row.p99.toFixed(2)} ms  errors ${row.errors}`);
        }
        if (setting.startsWith('batching on')) {
          manyPerRequest = await load(server.url, many, 64, seconds);
          console.log(`${`${setting}, ${maxBatch} per request`.padEnd(30)}  64 clients  ${manyPerRequest.rps.toFixed(0).padStart(7)} req/s  p50 ${manyPerRequest.p50.toFixed(2)} ms  p99 ${manyPerRequest.p99.toFixed(2)} ms  errors ${manyPerRequest.errors}  = ${(manyPerRequest.rps * maxBatch).toFixed(0)} instances/s`);
        }
      } finally {
        await server.stop();
      }
    }
    const single = await inProcess(model, pixels, 1, Math.min(5, seconds));
    const batched = await inProcess(model, pixels, maxBatch, Math.min(5, seconds));
    console.log(`\nONNX Runtime in process: ${single.toFixed(0)} instances/s at batch 1, ${batched.toFixed(0)} at batch ${maxBatch}`);

    const on64 = table.find((r) => r.setting.startsWith('batching on') && r.clients === 64)!;
    const off64 = table.find((r) => r.setting === 'batching off' && r.clients === 64)!;
    const on1 = table.find((r) => r.setting.startsWith('batching on') && r.clients === 1)!;
    const ceiling64 = table.find((r) => r.setting === CEILING && r.clients === 64)!;
    console.log(`batching on / off at 64 clients: ${(on64.rps / off64.rps).toFixed(2)}x (target >= 3x)`);
    console.log(`HTTP at 64 clients / in-process batch ${maxBatch}: ${((100 * on64.rps) / batched).toFixed(0)}% (target >= 40%)`);
    console.log(`HTTP at 64 clients with ${maxBatch} instances per request / in-process batch ${maxBatch}: ${((100 * manyPerRequest!.rps * maxBatch) / batched).toFixed(0)}%`);
    console.log(`HTTP ceiling (an empty fastify route) at 64 clients / in-process batch ${maxBatch}: ${((100 * ceiling64.rps) / batched).toFixed(0)}% — no server answering over HTTP here gets past it`);
    console.log(`deepline serve at 64 clients / HTTP ceiling: ${((100 * on64.rps) / ceiling64.rps).toFixed(0)}%`);
    console.log(`p99 at 1 client: ${on1.p99.toFixed(2)} ms (target < 5 ms); errors in all runs: ${table.reduce((n, r) => n + r.errors, manyPerRequest!.errors)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

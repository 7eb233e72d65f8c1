import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import onnxProto from 'onnx-proto';
import { readPredictionLog, type PredictionLogWarning } from '../../src/monitor/prediction-log/prediction-log-reader.ts';
import type { PredictionRecord } from '../../src/monitor/prediction-log/prediction-record.ts';
import { createServer, type DeeplineServer, type ServeOptions } from '../../src/serve/create-server.ts';
import { loadServedModel, type ServedModel } from '../../src/serve/served-model.ts';
import { deepline, ROOT, tempDir } from '../e2e/cli-helpers.ts';

/** Trains a small model from an example's data through the CLI (no search, a few epochs) and returns its output folder. */
function train(dir: string, name: string, data: string, extra: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\ndata: ${data}\nsearch: { enabled: false }\nseed: 3\noutput: ./out-${name}\n${extra}`);
  const r = deepline(['run', file], { home: join(dir, 'home'), cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  return join(dir, `out-${name}`);
}

async function readLog(dir: string, model?: string): Promise<{ records: PredictionRecord[]; warnings: PredictionLogWarning[] }> {
  const warnings: PredictionLogWarning[] = [];
  const records: PredictionRecord[] = [];
  for await (const r of readPredictionLog(dir, { ...(model && { model }), onWarning: (w) => warnings.push(w) })) records.push(r);
  return { records, warnings };
}

/** Polls `check` until it holds or `ms` pass. */
async function eventually(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

type Explained = { label: string; probabilities: Record<string, number>; uncertainty?: { entropy: number; normalizedEntropy: number; margin: number; spread?: Record<string, number> } };

describe('deepline serve: prediction log and uncertainty', { timeout: 600_000 }, () => {
  const dir = tempDir('deepline-serve-log-');
  let irisDir: string;
  let digitsDir: string;
  // Servers still open: each test closes what it reads the log of, the rest close at the end.
  const servers = new Set<DeeplineServer>();
  const iris = parse(readFileSync(join(ROOT, 'examples/data/iris.csv')), { columns: true, cast: true }) as Record<string, number | string>[];
  const digits = parse(readFileSync(join(ROOT, 'examples/data/digits.csv')), { columns: true, cast: true }) as Record<string, number>[];
  const flower = (k: number): Record<string, number | string> => {
    const { species: _species, ...features } = iris[k]!;
    return features;
  };
  const pixels = (k: number): number[] => Array.from({ length: 64 }, (_, j) => digits[k]![`px${j}`]!);

  before(() => {
    irisDir = train(dir, 'iris', `{ path: ${join(ROOT, 'examples/data/iris.csv')}, target: species }`, 'budget: { epochs: 30 }\n');
    digitsDir = train(dir, 'digits', `{ path: ${join(ROOT, 'examples/data/digits.csv')}, target: digit, image: { width: 8, height: 8, channels: 1 } }`, 'task: image-classification\nbudget: { epochs: 3 }\n');
  });
  after(async () => {
    for (const s of servers) await s.close();
  });
  const close = async (server: DeeplineServer): Promise<void> => {
    servers.delete(server);
    await server.close();
  };

  const serve = async (models: ServedModel[], options: ServeOptions): Promise<{ server: DeeplineServer; url: string }> => {
    const server = await createServer(models, options);
    servers.add(server);
    return { server, url: await server.app.listen({ port: 0, host: '127.0.0.1' }) };
  };
  const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('explains uncertainty on request, as computed by hand from the probabilities, and logs every answer', async () => {
    const log = join(dir, 'log-iris');
    const { server, url } = await serve([await loadServedModel(irisDir)], { predictionLog: { dir: log, flushIntervalMs: 60_000 } });
    const sent = [flower(0), flower(70), flower(120)];
    const r = await post(`${url}/v1/models/iris/predict?explain=uncertainty`, { instances: sent }, { 'x-request-id': 'client-7' });
    assert.equal(r.status, 200, await r.clone().text());
    assert.equal(r.headers.get('x-request-id'), 'client-7');
    const explained = ((await r.json()) as { predictions: Explained[] }).predictions;
    for (const p of explained) {
      const probabilities = Object.values(p.probabilities);
      const entropy = -probabilities.reduce((sum, q) => sum + (q > 0 ? q * Math.log(q) : 0), 0);
      const [top, second] = [...probabilities].sort((a, b) => b - a);
      assert.ok(p.uncertainty, 'asked for');
      assert.ok(Math.abs(p.uncertainty.entropy - entropy) < 1e-9, `${p.uncertainty.entropy} vs ${entropy}`);
      assert.ok(Math.abs(p.uncertainty.normalizedEntropy - entropy / Math.log(3)) < 1e-9);
      assert.ok(Math.abs(p.uncertainty.margin - (top! - second!)) < 1e-9);
      assert.ok(p.uncertainty.normalizedEntropy >= 0 && p.uncertainty.normalizedEntropy <= 1);
    }
    const plain = ((await (await post(`${url}/v1/models/iris/predict`, { instances: [flower(5)] })).json()) as { predictions: Explained[] }).predictions;
    assert.equal(plain[0]!.uncertainty, undefined, 'only when asked');
    const wrong = await post(`${url}/v1/models/iris/predict?explain=saliency`, { instances: [flower(5)] });
    assert.equal(wrong.status, 400);
    assert.match(((await wrong.json()) as { error: { message: string; field: string } }).error.message, /unknown explanation "saliency"/);
    const onnxSamples = await post(`${url}/v1/models/iris/predict?explain=uncertainty&samples=5`, { instances: [flower(5)] });
    assert.equal(onnxSamples.status, 400, 'ONNX Runtime runs no dropout');
    assert.match(((await onnxSamples.json()) as { error: { message: string } }).error.message, /MC-dropout samples need a TF\.js engine/);

    // The log holds the answers only once written: the flush interval is long here, so close() must write them.
    await close(server);
    const { records, warnings } = await readLog(log);
    assert.deepEqual(warnings, []);
    assert.equal(records.length, 4, 'one record per instance answered (the refused requests are not logged)');
    records.slice(0, 3).forEach((rec, k) => {
      assert.equal(rec.model, 'iris');
      assert.equal(rec.request, 'client-7');
      assert.equal(rec.instance, k);
      assert.ok(rec.latencyMs > 0 && rec.latencyMs < 10_000, String(rec.latencyMs));
      assert.ok(Math.abs(Date.parse(rec.time) - Date.now()) < 600_000);
      assert.deepEqual(rec.input, sent[k], 'a table keeps the raw record');
      const { uncertainty, ...prediction } = explained[k]!;
      assert.deepEqual(rec.prediction, prediction);
      assert.deepEqual(rec.uncertainty, uncertainty);
      assert.equal(rec.embedding, undefined, 'tables are watched column by column');
    });
    assert.ok(records[3]!.uncertainty?.margin !== undefined, 'uncertainty is logged even when not asked');
    assert.match(records[3]!.request, /^[0-9a-f-]{36}$/, 'a request without an id gets a random one');
  });

  it("logs an image's hash and the model's embedding, the same from ONNX Runtime and TF.js", async () => {
    const layers = (JSON.parse(readFileSync(join(digitsDir, 'model', 'model.json'), 'utf8')) as { modelTopology: { model_config?: { config: { layers: { class_name: string; config: { units?: number } }[] } }; config?: { layers: { class_name: string; config: { units?: number } }[] } } }).modelTopology;
    const config = (layers.model_config?.config ?? layers.config)!.layers;
    const dense = config.filter((l) => l.class_name === 'Dense');
    // The input of the head (the last dense layer) is the output of the dense layer before it.
    const width = dense.at(-2)!.config.units!;
    assert.ok(width > 0);

    const logOnnx = join(dir, 'log-digits-onnx');
    const logTfjs = join(dir, 'log-digits-tfjs');
    const onnx = await serve([await loadServedModel(digitsDir)], { predictionLog: { dir: logOnnx } });
    const tfjs = await serve([await loadServedModel(digitsDir, { engine: 'cpu' })], { predictionLog: { dir: logTfjs } });
    const png = readFileSync(join(ROOT, 'examples/data/digits-images/3', '001.png'));
    const instances = [{ pixels: pixels(0) }, { pixels: pixels(1) }, { image: png.toString('base64') }];
    for (const { url } of [onnx, tfjs]) assert.equal((await post(`${url}/v1/models/digits/predict`, { instances })).status, 200);
    // Written within the flush interval, with the servers still running.
    await eventually(async () => (await readLog(logOnnx)).records.length === 3 && (await readLog(logTfjs)).records.length === 3, 5_000, 'three records in each log');
    const [a, b] = [(await readLog(logOnnx)).records, (await readLog(logTfjs)).records];
    for (const rec of a) {
      assert.equal(rec.input, undefined, 'an image is not kept');
      assert.ok(rec.inputRef?.sha256.match(/^[0-9a-f]{64}$/));
      assert.equal(rec.embedding?.length, width, 'the penultimate layer');
      assert.ok(rec.embedding.some((v) => v !== 0));
    }
    assert.equal(a[2]!.inputRef?.of, 'image-bytes');
    const { createHash } = await import('node:crypto');
    assert.equal(a[2]!.inputRef?.sha256, createHash('sha256').update(png).digest('hex'), 'the hash of the file sent');
    assert.equal(a[0]!.inputRef?.of, 'pixels');
    a.forEach((rec, k) => {
      const other = b[k]!.embedding!;
      rec.embedding!.forEach((v, j) => assert.ok(Math.abs(v - other[j]!) <= 1e-4 * Math.max(1, Math.abs(v)), `instance ${k}, value ${j}: ONNX ${v}, TF.js ${other[j]}`));
    });
  });

  it('gives the spread of MC-dropout passes on a TF.js engine, and logs it', async () => {
    const log = join(dir, 'log-mc');
    const { server, url } = await serve([await loadServedModel(digitsDir, { engine: 'cpu' })], { predictionLog: { dir: log } });
    const r = await post(`${url}/v1/models/digits/predict?explain=uncertainty&samples=12`, { instances: [{ pixels: pixels(2) }, { pixels: pixels(3) }] });
    assert.equal(r.status, 200, await r.clone().text());
    const predictions = ((await r.json()) as { predictions: Explained[] }).predictions;
    for (const p of predictions) {
      const spread = p.uncertainty!.spread! as { samples: number; predictiveEntropy: number; expectedEntropy: number; mutualInformation: number; std: number };
      assert.equal(spread.samples, 12);
      assert.ok(spread.predictiveEntropy >= 0 && spread.predictiveEntropy <= Math.log(10) + 1e-9);
      assert.ok(spread.mutualInformation >= 0 && spread.mutualInformation <= spread.predictiveEntropy + 1e-9);
      assert.ok(spread.std >= 0 && spread.std <= 0.5);
    }
    // Dropout (0.25 before the head) makes the passes differ; the plain answer runs without it.
    assert.ok(predictions.some((p) => (p.uncertainty!.spread as { std: number }).std > 0), 'passes differ with dropout on');
    const again = ((await (await post(`${url}/v1/models/digits/predict`, { instances: [{ pixels: pixels(2) }] })).json()) as { predictions: Explained[] }).predictions[0]!;
    const twice = ((await (await post(`${url}/v1/models/digits/predict`, { instances: [{ pixels: pixels(2) }] })).json()) as { predictions: Explained[] }).predictions[0]!;
    assert.deepEqual(again, twice, 'dropout is off again outside the sampled passes');
    await close(server);
    const { records } = await readLog(log);
    assert.deepEqual(records[0]!.uncertainty?.spread, predictions[0]!.uncertainty!.spread);
    const bad = await serve([await loadServedModel(digitsDir, { engine: 'cpu' })], {});
    const tooMany = await post(`${bad.url}/v1/models/digits/predict?explain=uncertainty&samples=1000`, { instances: [{ pixels: pixels(2) }] });
    assert.equal(tooMany.status, 400);
    assert.equal(((await tooMany.json()) as { error: { field: string } }).error.field, 'samples');
  });

  it('serves a model exported before the embedding output, logging no embedding', async () => {
    const old = join(dir, 'out-digits-old');
    cpSync(digitsDir, old, { recursive: true });
    const { onnx } = onnxProto;
    const model = onnx.ModelProto.decode(readFileSync(join(old, 'model.onnx')));
    assert.deepEqual(model.graph!.output!.map((o) => o.name), ['output', 'embedding'], 'a new export has both');
    model.graph!.output = model.graph!.output!.filter((o) => o.name !== 'embedding');
    writeFileSync(join(old, 'model.onnx'), onnx.ModelProto.encode(model).finish());

    const log = join(dir, 'log-old');
    const { server, url } = await serve([await loadServedModel(old)], { predictionLog: { dir: log } });
    const r = await post(`${url}/v1/models/digits/predict?explain=uncertainty`, { instances: [{ pixels: pixels(4) }] });
    assert.equal(r.status, 200, await r.clone().text());
    await close(server);
    const { records, warnings } = await readLog(log);
    assert.deepEqual(warnings, []);
    assert.equal(records.length, 1);
    assert.equal(records[0]!.embedding, undefined);
    assert.ok(records[0]!.uncertainty?.entropy !== undefined);
  });

  it('logs the share of requests asked for, and nothing without a log', async () => {
    const log = join(dir, 'log-sampled');
    const { server, url } = await serve([await loadServedModel(irisDir)], { predictionLog: { dir: log, sampleRate: 0.5, sampleSeed: 1 } });
    const ids = Array.from({ length: 40 }, (_, k) => `q${k}`);
    for (const id of ids) assert.equal((await post(`${url}/v1/models/iris/predict`, { instances: [flower(1)] }, { 'x-request-id': id })).status, 200);
    await close(server);
    const { createLogSampler } = await import('../../src/monitor/prediction-log/log-sampler.ts');
    const { records } = await readLog(log, 'iris');
    assert.deepEqual(records.map((r) => r.request), ids.filter(createLogSampler(0.5, 1)), 'exactly the requests the sampler picks');
    assert.ok(records.length > 5 && records.length < 35, `${records.length} of 40`);

    const quiet = join(dir, 'log-none');
    const plain = await serve([await loadServedModel(irisDir)], {});
    const r = await post(`${plain.url}/v1/models/iris/predict?explain=uncertainty`, { instances: [flower(1)] });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-request-id'), null);
    assert.ok(!existsSync(quiet));
    const metrics = await (await fetch(`${plain.url}/metrics`)).text();
    assert.doesNotMatch(metrics, /deepline_prediction_log_records/);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('log-')).sort(), ['log-digits-onnx', 'log-digits-tfjs', 'log-iris', 'log-mc', 'log-old', 'log-sampled']);
  });
});

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createServer, type DeeplineServer } from '../../src/serve/create-server.ts';
import { loadServedModel } from '../../src/serve/served-model.ts';
import { deepline, ROOT, tempDir } from '../e2e/cli-helpers.ts';

/** Trains a small model from an example's data through the CLI (no search, a few epochs) and returns its output folder. */
function train(dir: string, name: string, data: string, extra: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\ndata: ${data}\nsearch: { enabled: false }\nseed: 3\noutput: ./out-${name}\n${extra}`);
  const r = deepline(['run', file], { home: join(dir, 'home'), cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  return join(dir, `out-${name}`);
}

describe('deepline serve: the HTTP server', { timeout: 600_000 }, () => {
  const dir = tempDir('deepline-serve-');
  let server: DeeplineServer;
  let base: string;
  const iris = parse(readFileSync(join(ROOT, 'examples/data/iris.csv')), { columns: true, cast: true }) as Record<string, number | string>[];
  const digits = parse(readFileSync(join(ROOT, 'examples/data/digits.csv')), { columns: true, cast: true }) as Record<string, number>[];
  const flower = (k: number): Record<string, number | string> => {
    const { species: _species, ...features } = iris[k]!;
    return features;
  };
  const pixels = (k: number): number[] => Array.from({ length: 64 }, (_, j) => digits[k]![`px${j}`]!);

  before(async () => {
    const irisDir = train(dir, 'iris', `{ path: ${join(ROOT, 'examples/data/iris.csv')}, target: species }`, 'budget: { epochs: 80 }\ntrain: { patience: 80 }\n');
    const digitsDir = train(dir, 'digits', `{ path: ${join(ROOT, 'examples/data/digits.csv')}, target: digit, image: { width: 8, height: 8, channels: 1 } }`, 'task: image-classification\nbudget: { epochs: 8 }\n');
    const models = await Promise.all([loadServedModel(irisDir), loadServedModel(digitsDir)]);
    server = await createServer(models, { maxBatch: 16, maxWaitMs: 5, apiKey: 'sesame', bodyLimit: 64 * 1024, maxInstances: 100, requestTimeoutMs: 1000 });
    base = await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(() => server?.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sesame', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('predicts raw records and pixel rows, with class probabilities that sum to 1', async () => {
    const r = await post('/v1/models/iris/predict', { instances: [flower(0), flower(60), flower(120)] });
    assert.equal(r.status, 200);
    const body = (await r.json()) as { predictions: { label: string; probabilities: Record<string, number> }[] };
    assert.deepEqual(body.predictions.map((p) => p.label), ['setosa', 'versicolor', 'virginica']);
    for (const p of body.predictions) assert.ok(Math.abs(Object.values(p.probabilities).reduce((a, b) => a + b, 0) - 1) < 1e-4);

    const d = await post('/v1/models/digits/predict', { instances: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => ({ pixels: pixels(k) })) });
    assert.equal(d.status, 200);
    const labels = ((await d.json()) as { predictions: { label: string }[] }).predictions.map((p) => p.label);
    const truth = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => String(digits[k]!.digit));
    assert.ok(labels.filter((l, k) => l === truth[k]).length >= 8, `labels ${labels.join(',')} vs ${truth.join(',')}`);
  });

  it('takes a base64 PNG for an image model, resized to its grid', async () => {
    const png = readFileSync(join(ROOT, 'examples/data/digits-images/3', '001.png')).toString('base64');
    const r = await post('/v1/models/digits/predict', { instances: [{ image: png }] });
    assert.equal(r.status, 200, await r.clone().text());
    const body = (await r.json()) as { predictions: { label: string }[] };
    assert.ok(/^\d$/.test(body.predictions[0]!.label));
  });

  it('takes image files as a multipart form, one instance per file, as it takes base64', async () => {
    const files = ['3/001.png', '7/001.png'].map((f) => readFileSync(join(ROOT, 'examples/data/digits-images', f)));
    const form = new FormData();
    files.forEach((bytes, k) => form.append('image', new Blob([bytes], { type: 'image/png' }), `digit-${k}.png`));
    const r = await fetch(`${base}/v1/models/digits/predict`, { method: 'POST', headers: { 'x-api-key': 'sesame' }, body: form });
    assert.equal(r.status, 200, await r.clone().text());
    const uploaded = ((await r.json()) as { predictions: unknown[] }).predictions;
    const asJson = ((await (await post('/v1/models/digits/predict', { instances: files.map((b) => ({ image: b.toString('base64') })) })).json()) as { predictions: unknown[] }).predictions;
    assert.deepEqual(uploaded, asJson);

    const mistakes: [string, FormData, number, RegExp][] = [
      ['a text field', formOf((f) => f.append('note', 'hello')), 400, /form field "note" is not a file/],
      ['bytes that are not an image', formOf((f) => f.append('image', new Blob(['not a PNG']), 'x.png')), 400, /does not decode as an image/],
      ['a file past the body limit', formOf((f) => f.append('image', new Blob([new Uint8Array(70 * 1024)]), 'big.png')), 413, /too large|more than/],
    ];
    for (const [what, body, status, message] of mistakes) {
      const m = await fetch(`${base}/v1/models/digits/predict`, { method: 'POST', headers: { 'x-api-key': 'sesame' }, body });
      const text = await m.text();
      assert.equal(m.status, status, `${what}: ${text}`);
      assert.match((JSON.parse(text) as { error: { message: string } }).error.message, message, what);
    }
    const table = await fetch(`${base}/v1/models/iris/predict`, { method: 'POST', headers: { 'x-api-key': 'sesame' }, body: formOf((f) => f.append('image', new Blob([files[0]!]), 'a.png')) });
    assert.equal(table.status, 415, await table.clone().text());
  });

  it('batches concurrent requests together', async () => {
    // Its own server with a longer wait: here the clients share the server's event loop, so they
    // arrive more slowly than real clients would.
    const local = await createServer([await loadServedModel(join(dir, 'out-iris'))], { maxBatch: 64, maxWaitMs: 50 });
    const url = await local.app.listen({ port: 0, host: '127.0.0.1' });
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, k) => fetch(`${url}/v1/models/iris/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: [flower(k)] }) })),
    );
    assert.ok(answers.every((a) => a.status === 200));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    await local.close();
    const count = Number(/deepline_batch_size_count\{model="iris"\} (\d+)/.exec(metrics)?.[1]);
    const sum = Number(/deepline_batch_size_sum\{model="iris"\} (\d+)/.exec(metrics)?.[1]);
    assert.ok(sum / count > 1.5, `mean batch ${sum}/${count}`);
    assert.match(metrics, /deepline_requests_total\{model="iris",status="200"\} \d+/);
    assert.match(metrics, /deepline_request_duration_seconds_bucket/);
  });

  it('answers operations endpoints and lists the models', async () => {
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const ready = (await (await fetch(`${base}/readyz`)).json()) as { models: string[] };
    assert.deepEqual(ready.models.sort(), ['digits', 'iris']);
    const models = (await (await fetch(`${base}/v1/models`, { headers: { authorization: 'Bearer sesame' } })).json()) as { models: { name: string; classes?: string[] }[] };
    assert.deepEqual(models.models.find((m) => m.name === 'iris')?.classes, ['setosa', 'versicolor', 'virginica']);
    const openapi = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: Record<string, { post: { description: string } }> };
    assert.equal(openapi.openapi, '3.1.0');
    assert.deepEqual(Object.keys(openapi.paths).sort(), ['/v1/models/digits/predict', '/v1/models/iris/predict']);
    assert.match(openapi.paths['/v1/models/digits/predict']!.post.description, /"pixels"/);
  });

  const good = flower(0);
  const png = readFileSync(join(ROOT, 'examples/data/digits-images/3', '001.png')).toString('base64');
  const MALFORMED: readonly { readonly what: string; readonly path?: string; readonly body: unknown; readonly headers?: Record<string, string>; readonly status: number; readonly message: RegExp }[] = [
    { what: 'no API key', body: { instances: [good] }, headers: { 'x-api-key': '' }, status: 401, message: /API key/ },
    { what: 'a wrong API key', body: { instances: [good] }, headers: { 'x-api-key': 'open' }, status: 401, message: /API key/ },
    { what: 'an unknown model', path: '/v1/models/irises/predict', body: { instances: [good] }, status: 404, message: /no model named "irises"/ },
    { what: 'a path-traversal name', path: '/v1/models/..%2F..%2Fetc%2Fpasswd/predict', body: { instances: [good] }, status: 404, message: /no model named/ },
    { what: 'a dotted name', path: '/v1/models/..%2Fout-iris/predict', body: { instances: [good] }, status: 404, message: /no model named/ },
    { what: 'text instead of JSON', body: 'sepal_length=5', headers: { 'content-type': 'text/plain' }, status: 415, message: /Unsupported Media Type|content-type/i },
    { what: 'broken JSON', body: '{"instances": [', status: 400, message: /JSON/ },
    { what: 'a body that is an array', body: [good], status: 400, message: /"instances" array/ },
    { what: 'no instances field', body: { rows: [good] }, status: 400, message: /"instances" array/ },
    { what: 'instances not an array', body: { instances: good }, status: 400, message: /"instances" array/ },
    { what: 'no instances at all', body: { instances: [] }, status: 400, message: /holds 0 instances/ },
    { what: 'too many instances', body: { instances: Array.from({ length: 101 }, () => good) }, status: 400, message: /holds 101 instances; send 1 to 100/ },
    { what: 'an instance that is a string', body: { instances: ['5.1,3.5,1.4,0.2'] }, status: 400, message: /JSON object/ },
    { what: 'an instance that is an array', body: { instances: [[5.1, 3.5, 1.4, 0.2]] }, status: 400, message: /an array/ },
    { what: 'a wrong type', body: { instances: [{ ...good, sepal_width: 'wide' }] }, status: 400, message: /column sepal_width: expected a number, but got "wide"/ },
    { what: 'an object as a value', body: { instances: [{ ...good, petal_width: { cm: 2 } }] }, status: 400, message: /petal_width" holds an object/ },
    { what: 'a missing field', body: { instances: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4 }] }, status: 400, message: /field "petal_width" is missing/ },
    { what: 'an extra field', body: { instances: [{ ...good, sepal_colour: 'blue' }] }, status: 400, message: /unknown field "sepal_colour"/ },
    { what: 'a prototype key', body: '{"instances": [{"__proto__": {"x": 1}, "sepal_length": 1}]}', status: 400, message: /.+/ },
    { what: 'a huge body', body: { instances: [{ ...good, note: 'x'.repeat(70 * 1024) }] }, status: 413, message: /too large/i },
    { what: 'pixels of the wrong size', path: '/v1/models/digits/predict', body: { instances: [{ pixels: [1, 2, 3] }] }, status: 400, message: /pixels has 3 values, but the model takes 64 \(8x8x1\)/ },
    { what: 'a pixel that is not a number', path: '/v1/models/digits/predict', body: { instances: [{ pixels: [...Array(63).fill(0), 'x'] }] }, status: 400, message: /pixels\[63\] is "x"/ },
    { what: 'bad base64', path: '/v1/models/digits/predict', body: { instances: [{ image: '%%%not base64%%%' }] }, status: 400, message: /not base64/ },
    { what: 'bytes that are not an image', path: '/v1/models/digits/predict', body: { instances: [{ image: Buffer.from('hello, not a PNG at all').toString('base64') }] }, status: 400, message: /does not decode as an image/ },
    { what: 'the second instance bad, naming it', body: { instances: [good, { ...good, sepal_length: null, petal_length: 'long' }] }, status: 400, message: /petal_length/ },
    { what: 'an unknown route', path: '/v2/predict', body: { instances: [good] }, status: 404, message: /no route/ },
  ];

  it(`gives every one of ${MALFORMED.length} malformed requests a 4xx with a message, never a 5xx`, async () => {
    assert.ok(MALFORMED.length >= 20);
    for (const m of MALFORMED) {
      const r = await post(m.path ?? '/v1/models/iris/predict', m.body, m.headers);
      const text = await r.text();
      assert.equal(r.status, m.status, `${m.what}: ${r.status} ${text}`);
      const body = JSON.parse(text) as { error: { message: string } };
      assert.match(body.error.message, m.message, `${m.what}: ${text}`);
    }
    const second = await post('/v1/models/iris/predict', { instances: [good, { ...good, petal_length: 'long' }] });
    assert.equal(((await second.json()) as { error: { instance: number } }).error.instance, 1, 'the error names the instance');
    // Still serving after all that.
    assert.equal((await post('/v1/models/iris/predict', { instances: [good] })).status, 200);
  });

  it('answers a slow client that never finishes its body with 408 soon after its 1 s timeout, and keeps serving', async () => {
    const { request } = await import('node:http');
    const url = new URL(`${base}/v1/models/iris/predict`);
    const started = performance.now();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000', 'x-api-key': 'sesame' } }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.write('{"instances": [');
    });
    assert.equal(status, 408);
    // Node's defaults cut it at the 60 s headers timeout, checked every 30 s.
    const waited = performance.now() - started;
    assert.ok(waited < 10_000, `the 408 came after ${Math.round(waited)} ms`);
    assert.equal((await post('/v1/models/iris/predict', { instances: [good] })).status, 200);
  });

  it('answers every request it accepted when stopped under load (SIGTERM path)', async () => {
    const models = await Promise.all([loadServedModel(join(dir, 'out-iris'))]);
    const local = await createServer(models, { maxBatch: 8, maxWaitMs: 20 });
    const url = await local.app.listen({ port: 0, host: '127.0.0.1' });
    const inFlight = Array.from({ length: 60 }, (_, k) =>
      fetch(`${url}/v1/models/iris/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: [flower(k)] }) }).then(
        (r) => r.status,
        () => 'refused',
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    await local.close();
    const statuses = await Promise.all(inFlight);
    // Requests that reached the server got their answer; none was dropped halfway (no 5xx, no reset).
    assert.ok(statuses.every((s) => s === 200 || s === 'refused'), statuses.join(','));
    assert.ok(statuses.filter((s) => s === 200).length > 0);
    void png;
  });
});

function formOf(fill: (form: FormData) => void): FormData {
  const form = new FormData();
  fill(form);
  return form;
}

import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isDeeplineError } from '../errors/index.ts';
import { MicroBatcher } from './micro-batcher.ts';
import { explainedPredictions, parseExplainQuery, predictionUncertainty } from './prediction-explanations.ts';
import { PredictionRecorder, type PredictionLogSettings } from './prediction-recorder.ts';
import type { ModelOutput, ServedModel } from './served-model.ts';

export interface ServeOptions {
  /** Records answered requests (sampled) in a prediction log; flushed when the server closes. None when unset. */
  readonly predictionLog?: PredictionLogSettings;
  /** Most instances run together (dynamic batching); 1 turns batching off. Default 32. */
  readonly maxBatch?: number;
  /** How long a lone instance waits for company, in ms. Default 0: what arrives while a batch runs forms the next batch. */
  readonly maxWaitMs?: number;
  /** When set, every /v1 request must carry it: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
  readonly apiKey?: string;
  /** Largest request body in bytes; default 4 MiB (a few base64 images). */
  readonly bodyLimit?: number;
  /** Most instances in one request; default 1,024. */
  readonly maxInstances?: number;
  /** A request must arrive whole within this many ms (slow clients get 408); default 10,000. */
  readonly requestTimeoutMs?: number;
}

/** What a client gets for any request it got wrong: a status below 500 and this body. */
interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly field?: string; readonly instance?: number; readonly hint?: string };
}

export interface DeeplineServer {
  readonly app: FastifyInstance;
  /**
   * Serves `model` under its name from the next request on (a registry promotion, a rollback).
   * The swap is atomic: each request is answered wholly by the old model or wholly by the new.
   * Resolves once the old model has answered every request that reached it and is released.
   */
  replaceModel(model: ServedModel): Promise<void>;
  /** Stops taking requests, answers every request already taken, then releases the models. */
  close(): Promise<void>;
}

/** A served model, its batcher, and the requests holding it (a replaced model is released when none does). */
interface Entry {
  readonly model: ServedModel;
  readonly batcher: MicroBatcher<Float32Array, ModelOutput>;
  users: number;
  retired?: () => void;
}

const UNAUTHORIZED: ErrorBody = { error: { code: 'UNAUTHORIZED', message: 'a valid API key is required', hint: 'send Authorization: Bearer <key> or X-API-Key: <key>' } };

/**
 * The HTTP server of `deepline serve` (fastify): `POST /v1/models/:name/predict` with
 * `{ "instances": [...] }` answers `{ "predictions": [...] }`; `GET /v1/models` lists the models;
 * `/healthz`, `/readyz` and `/metrics` (Prometheus text) serve operations; `/openapi.json`
 * describes the prediction endpoints. Models are looked up
 * by name in memory, so no request names a file. Every mistake of a client is a 4xx with a JSON
 * error naming the field and the instance; nothing a client sends can cause a 5xx.
 */
export async function createServer(models: readonly ServedModel[], options: ServeOptions = {}): Promise<DeeplineServer> {
  const maxInstances = options.maxInstances ?? 1024;
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const requests = new Counter({ name: 'deepline_requests_total', help: 'Prediction requests by model and status code', labelNames: ['model', 'status'], registers: [metrics] });
  const latency = new Histogram({
    name: 'deepline_request_duration_seconds',
    help: 'Prediction request latency',
    labelNames: ['model'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metrics],
  });
  const batchSizes = new Histogram({ name: 'deepline_batch_size', help: 'Instances per model run', labelNames: ['model'], buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512], registers: [metrics] });
  const instances = new Counter({ name: 'deepline_instances_total', help: 'Instances predicted', labelNames: ['model'], registers: [metrics] });

  const entryOf = (model: ServedModel): Entry => ({
    model,
    batcher: new MicroBatcher<Float32Array, ModelOutput>({
      // A model's own settings (its serving.json, chosen by `deepline bench-target`) come first.
      maxBatch: model.batching?.maxBatch ?? options.maxBatch ?? 32,
      maxWaitMs: model.batching?.maxWaitMs ?? options.maxWaitMs ?? 0,
      run: (batch) => model.run(batch),
      onBatch: (size) => batchSizes.observe({ model: model.name }, size),
    }),
    users: 0,
  });
  const served = new Map(models.map((model) => [model.name, entryOf(model)]));
  const release = (entry: Entry): void => {
    entry.users -= 1;
    if (entry.users === 0) entry.retired?.();
  };
  const retiring = new Set<Promise<void>>();
  const recorder = options.predictionLog ? await PredictionRecorder.open(options.predictionLog, metrics) : undefined;
  let ready = true;

  const requestTimeout = options.requestTimeoutMs ?? 10_000;
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 4 * 1024 * 1024,
    requestTimeout,
    // Node's HTTP server takes its timeouts at construction: set later (as fastify sets
    // requestTimeout), a client that sends its headers and then stalls was cut only at the 60 s
    // headers timeout, checked every 30 s. Given here, and checked four times per timeout (at
    // most every second), a stalled request gets its 408 on time.
    http:
      requestTimeout > 0
        ? { requestTimeout, headersTimeout: Math.min(requestTimeout, 60_000), connectionsCheckingInterval: Math.max(50, Math.min(1000, requestTimeout / 4)) }
        : {},
    // While it stops, a request that still arrives on an open connection is served, not refused:
    // the drain answers everything that reached the server.
    return503OnClosing: false,
    // Each request's parameters are read as plain JSON: no prototype keys reach an object.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });

  // Requests are JSON, or multipart forms of image files; fastify's default text/plain parser
  // would hand a handler a string.
  app.removeContentTypeParser('text/plain');
  const bodyLimit = options.bodyLimit ?? 4 * 1024 * 1024;
  await app.register(multipart, { limits: { fileSize: bodyLimit, files: Math.min(maxInstances, 256), fields: 16, fieldSize: 1024, parts: 272, headerPairs: 64 } });

  const fail = (reply: FastifyReply, status: number, body: ErrorBody): FastifyReply => reply.code(status).send(body);

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    // fastify's own refusals (bad JSON, body too large, wrong content type, timeouts) keep their 4xx.
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return fail(reply, status, { error: { code: error.code ?? 'DL_INTERNAL', message: status === 500 ? 'internal error' : error.message } });
  });
  app.setNotFoundHandler((request, reply) =>
    fail(reply, 404, { error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}`, hint: 'POST /v1/models/<name>/predict, GET /v1/models, /healthz, /readyz, /metrics' } }),
  );

  const authorised = (request: FastifyRequest): boolean => {
    if (options.apiKey === undefined) return true;
    const bearer = request.headers.authorization?.replace(/^Bearer\s+/i, '');
    return bearer === options.apiKey || request.headers['x-api-key'] === options.apiKey;
  };

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => (ready ? { status: 'ready', models: [...served.keys()] } : reply.code(503).send({ status: 'shutting down' })));
  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));

  app.get('/openapi.json', async () => openApiDocument(models));

  app.get('/v1/models', async (request, reply) => {
    if (!authorised(request)) return fail(reply, 401, UNAUTHORIZED);
    return {
      models: [...served.values()].map(({ model }) => ({ name: model.name, ...(model.version !== undefined && { version: model.version }), task: model.task, inputShape: model.inputShape, ...(model.classes && { classes: model.classes }), instance: model.instanceHint })),
    };
  });

  const predict = async (request: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply, entry: Entry | undefined): Promise<FastifyReply> => {
    const started = performance.now();
    const label = entry ? entry.model.name : 'unknown';
    const answer = (status: number, body: unknown): FastifyReply => {
      requests.inc({ model: label, status: String(status) });
      // Which version answered (a registry model): clients and logs can tell a swap happened.
      if (entry?.model.version !== undefined) reply.header('x-model-version', entry.model.version);
      if (status === 200) latency.observe({ model: label }, (performance.now() - started) / 1000);
      return reply.code(status).send(body);
    };
    if (!authorised(request)) return answer(401, UNAUTHORIZED);
    if (!entry) {
      return answer(404, { error: { code: 'MODEL_NOT_FOUND', message: `no model named ${JSON.stringify(request.params.name)}`, hint: `served models: ${[...served.keys()].join(', ')}` } });
    }
    const explain = parseExplainQuery(request.query);
    if ('error' in explain) return answer(400, explain);
    if (explain.samples !== undefined && !entry.model.sample) {
      return answer(400, { error: { code: 'BAD_REQUEST', message: `MC-dropout samples need a TF.js engine and a model with dropout; ${entry.model.name} runs on ${entry.model.runtime}`, field: 'samples', hint: 'serve it with --engine cpu (or native, wasm), or leave samples out' } });
    }
    if (explain.uncertainty && explain.samples === undefined && !entry.model.classes) {
      return answer(400, { error: { code: 'BAD_REQUEST', message: `${entry.model.name} predicts a value: its uncertainty is the spread of MC-dropout samples`, field: 'explain', hint: 'add &samples=20 (on a TF.js engine)' } });
    }
    // A request that reached the handler is answered even while the server stops (only /readyz
    // says it is going): it was accepted, and a drain must not drop it.
    let given: unknown[];
    if (request.isMultipart()) {
      const form = await readImageForm(request, bodyLimit);
      if ('error' in form) return answer(form.status, { error: form.error });
      if (!entry.model.instanceHint.includes('"image"')) {
        return answer(415, { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: `${entry.model.name} takes JSON, not image uploads`, hint: `{ "instances": [${entry.model.instanceHint}] }` } });
      }
      given = form.images.map((bytes) => ({ image: bytes.toString('base64') }));
    } else {
      const body = request.body as { instances?: unknown } | null | undefined;
      if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(body.instances)) {
        return answer(400, { error: { code: 'BAD_REQUEST', message: 'the body must be a JSON object with an "instances" array', hint: `{ "instances": [${entry.model.instanceHint}] }` } });
      }
      given = body.instances;
    }
    if (given.length === 0 || given.length > maxInstances) {
      return answer(400, { error: { code: 'BAD_REQUEST', message: `"instances" holds ${given.length} instances; send 1 to ${maxInstances}`, field: 'instances' } });
    }
    let encoded: Float32Array[];
    try {
      encoded = await Promise.all(given.map((instance, k) => entry.model.encode(instance).catch((e: unknown) => Promise.reject(Object.assign(e as object, { instanceIndex: k })))));
    } catch (e) {
      if (!isDeeplineError(e)) throw e;
      const index = (e as { instanceIndex?: number }).instanceIndex;
      return answer(400, {
        error: { code: e.code, message: e.message, ...(e.location?.field !== undefined && { field: e.location.field }), ...(index !== undefined && { instance: index }), ...(e.hint && { hint: e.hint }) },
      });
    }
    const outputs = await Promise.all(encoded.map((x) => entry.batcher.submit(x)));
    const spreads = explain.samples !== undefined ? await entry.model.sample!(encoded, explain.samples) : undefined;
    const requestId = recorder?.requestId(request);
    const logged = requestId !== undefined && recorder!.logs(requestId);
    const uncertainties = explain.uncertainty || logged ? outputs.map((o) => predictionUncertainty(o.prediction)) : [];
    const predictions = explainedPredictions(outputs, explain, uncertainties, spreads);
    if (logged) recorder!.record({ id: requestId, model: entry.model, instances: given, outputs, uncertainties, ...(spreads && { spreads }), latencyMs: performance.now() - started });
    // With a log, an answer names its request: the key of its records there (for labelling, say).
    if (requestId !== undefined) reply.header('x-request-id', requestId);
    instances.inc({ model: label }, predictions.length);
    return answer(200, { model: entry.model.name, ...(entry.model.version !== undefined && { version: entry.model.version }), predictions });
  };

  app.post<{ Params: { name: string } }>('/v1/models/:name/predict', async (request, reply) => {
    // The model that takes a request answers it, even if replaceModel swaps it out meanwhile.
    const entry = served.get(request.params.name);
    if (entry) entry.users += 1;
    try {
      return await predict(request, reply, entry);
    } finally {
      if (entry) release(entry);
    }
  });

  return {
    app,
    async replaceModel(model) {
      const old = served.get(model.name);
      if (!old) throw new Error(`replaceModel: no model named ${model.name} is served (served: ${[...served.keys()].join(', ')})`);
      served.set(model.name, entryOf(model));
      const retire = (async () => {
        if (old.users > 0) await new Promise<void>((resolve) => (old.retired = resolve));
        await old.batcher.drain();
        await old.model.close();
      })();
      retiring.add(retire);
      await retire.finally(() => retiring.delete(retire));
    },
    async close() {
      ready = false;
      // fastify stops accepting connections and waits for the requests in flight to be answered.
      await app.close();
      await Promise.all([...served.values()].map(({ batcher }) => batcher.drain()));
      await Promise.all(retiring);
      // Every answered request has queued its records by now: write them before the process goes.
      await recorder?.close();
      await Promise.all([...served.values()].map(({ model }) => model.close()));
    },
  };
}

/**
 * The image files of a multipart form, in order: each file part is one instance. A field that is
 * not a file, a form past the body limit or without a file is the client's mistake (4xx); every
 * part is read to its end, so the connection stays usable.
 */
async function readImageForm(request: FastifyRequest, bodyLimit: number): Promise<{ images: Buffer[] } | { status: number; error: ErrorBody['error'] }> {
  const images: Buffer[] = [];
  let total = 0;
  let problem: { status: number; error: ErrorBody['error'] } | undefined;
  for await (const part of request.parts()) {
    if (part.type !== 'file') {
      problem ??= { status: 400, error: { code: 'BAD_REQUEST', message: `form field ${JSON.stringify(part.fieldname)} is not a file`, field: part.fieldname, hint: 'send each image as a file part, e.g. curl -F image=@digit.png' } };
      continue;
    }
    const bytes = await part.toBuffer();
    total += bytes.length;
    if (total > bodyLimit) problem ??= { status: 413, error: { code: 'FST_REQ_FILE_TOO_LARGE', message: `the images sent add up to more than ${bodyLimit} bytes` } };
    else images.push(bytes);
  }
  if (problem) return problem;
  if (images.length === 0) return { status: 400, error: { code: 'BAD_REQUEST', message: 'the form holds no file', hint: 'send each image as a file part, e.g. curl -F image=@digit.png' } };
  return { images };
}

/** The OpenAPI 3.1 description of the prediction endpoints, one path per served model. */
function openApiDocument(models: readonly ServedModel[]): Record<string, unknown> {
  const error = {
    type: 'object',
    properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' }, instance: { type: 'integer' }, hint: { type: 'string' } }, required: ['code', 'message'] } },
  };
  const paths = Object.fromEntries(
    models.map((m) => [
      `/v1/models/${m.name}/predict`,
      {
        post: {
          summary: `${m.task}: predict with ${m.name}`,
          description: `Each instance: ${m.instanceHint}`,
          parameters: [
            { name: 'explain', in: 'query', required: false, schema: { type: 'string', enum: ['uncertainty'] }, description: 'uncertainty: each prediction gets { entropy, normalizedEntropy, margin } (classifiers)' },
            { name: 'samples', in: 'query', required: false, schema: { type: 'integer', minimum: 2, maximum: 100 }, description: 'with explain=uncertainty: the spread of this many MC-dropout passes (TF.js engines)' },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { type: 'object', required: ['instances'], properties: { instances: { type: 'array', minItems: 1, items: { type: 'object' } } } } } },
          },
          responses: {
            '200': {
              description: m.classes ? `the class (one of ${m.classes.join(', ')}) and its probabilities` : 'the predicted value, in the target\'s units',
              content: { 'application/json': { schema: { type: 'object', properties: { model: { type: 'string' }, version: { type: 'string', description: 'the registry version that answered (a model served from the registry)' }, predictions: { type: 'array', items: { type: 'object' } } } } } },
            },
            '4XX': { description: 'a mistake in the request, named', content: { 'application/json': { schema: error } } },
          },
        },
      },
    ]),
  );
  return { openapi: '3.1.0', info: { title: 'deepline serve', version: '1' }, paths };
}

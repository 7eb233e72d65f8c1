import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { SERVING_ENGINES, type ServingEngine } from '../deploy/target-bench/serving-engine.ts';
import { DeeplineError, isDeeplineError } from '../errors/index.ts';
import type { DeeplineServer } from '../serve/create-server.ts';
import type { ServedModel } from '../serve/served-model.ts';
import type { ResolvedServingSettings, ServingSettings } from '../serve/serving-settings.ts';
import { resolveRunFolder, type RegistrySource } from './resolve-run-folder.ts';
import { storeOptions } from './store-options.ts';
import type { OpenWorkspaceOptions } from '../store/workspace.ts';

interface ServeCommandOptions {
  port: string;
  host: string;
  // Unset unless given: each model's serving.json (from `deepline bench-target`) fills the rest.
  maxBatch?: string;
  maxWaitMs?: string;
  apiKey?: string;
  threads?: string;
  engine?: string;
  pollMs: string;
  /** A folder, or false for --no-log; true (unset) logs to <home>/predictions. */
  log: string | boolean;
  logSample: string;
  /** False for --no-log-inputs. */
  logInputs: boolean;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve trained models over HTTP: JSON predictions, dynamic batching, Prometheus metrics')
    .argument('<models...>', 'output folders of runs, run ids, or registered models (iris: its production version, followed as promotions change it; iris@staging; iris@3); name=<folder> chooses the name a model is served under')
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option('--host <address>', 'address to bind; 0.0.0.0 serves other machines too', '127.0.0.1')
    .option('--max-batch <n>', "most instances run together; 1 turns batching off (default: the model's serving.json, else 32)")
    .option('--max-wait-ms <ms>', "how long a lone request waits for others to batch with (default: the model's serving.json, else 0: none; requests that arrive while a batch runs form the next)")
    .option('--api-key <key>', 'require this key on /v1 requests (default: $DEEPLINE_API_KEY; none when unset)')
    .option('--threads <n>', "ONNX Runtime (or native engine) threads per model run (default: the model's serving.json, else 1)")
    .option('--engine <name>', `what runs the models: onnx (ONNX Runtime on model.onnx), or TF.js on model/: ${SERVING_ENGINES.filter((e) => e !== 'onnx').join(', ')} (default: the model's serving.json, else onnx)`)
    .option('--poll-ms <ms>', 'how often a registered model (name or name@stage) checks the registry for a newly promoted version', '2000')
    .option('--log <dir>', 'prediction log folder: each answered instance with its input (images: a hash and the embedding), answer, uncertainty, version and latency (default: <home>/predictions)')
    .option('--no-log', 'keep no prediction log')
    .option('--no-log-inputs', 'keep only a hash and the embedding of image inputs, not the images (by default they are kept in <log dir>/<model>/inputs, to export for labelling)')
    .option('--log-sample <rate>', 'share of requests logged, 0 to 1 (by request id: X-Request-Id, else a random one)', '1')
    .addHelpText(
      'after',
      '\nEndpoints: POST /v1/models/<name>/predict with {"instances": [...]}, GET /v1/models, /openapi.json,\n/healthz, /readyz, /metrics. SIGTERM or Ctrl-C stops taking requests and answers those already taken.\n' +
        'A model folder with a serving.json (written by `deepline bench-target`) is served with the engine, batch size,\nwait and threads it chose, except those given here.\n\nExample:\n  deepline serve out/iris\n  curl -s localhost:8080/v1/models/iris/predict -H \'content-type: application/json\' \\\n    -d \'{"instances": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]}\'',
    )
    .action(async (specs: string[], opts: ServeCommandOptions) => {
      const number = (value: string, flag: string, min: number): number => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < min) throw new DeeplineError('DL_USAGE', `${flag} must be a whole number >= ${min}, but got ${value}`);
        return n;
      };
      const port = number(opts.port, '--port', 0);
      const given: Partial<Record<keyof ServingSettings, unknown>> = {};
      if (opts.maxBatch !== undefined) given.maxBatch = number(opts.maxBatch, '--max-batch', 1);
      if (opts.maxWaitMs !== undefined) {
        given.maxWaitMs = Number(opts.maxWaitMs);
        if (!((given.maxWaitMs as number) >= 0)) throw new DeeplineError('DL_USAGE', `--max-wait-ms must be >= 0, but got ${opts.maxWaitMs}`);
      }
      if (opts.threads !== undefined) given.threads = number(opts.threads, '--threads', 1);
      if (opts.engine !== undefined) {
        if (!(SERVING_ENGINES as readonly string[]).includes(opts.engine)) throw new DeeplineError('DL_USAGE', `--engine must be one of ${SERVING_ENGINES.join(', ')}, but got ${opts.engine}`);
        given.engine = opts.engine;
      }
      const apiKey = opts.apiKey ?? process.env.DEEPLINE_API_KEY;
      const pollMs = number(opts.pollMs, '--poll-ms', 100);
      const logSample = Number(opts.logSample);
      if (!(logSample >= 0 && logSample <= 1)) throw new DeeplineError('DL_USAGE', `--log-sample must be a number from 0 to 1, but got ${opts.logSample}`);
      const logDir = opts.log === false ? undefined : typeof opts.log === 'string' ? resolve(opts.log) : resolve(program.opts().home as string, 'predictions');

      const folders = await Promise.all(specs.map((spec) => resolveRunFolder(spec, program.opts().home as string, { store: storeOptions(program) })));
      const [{ loadServedModel }, { createServer }, { resolveServingSettings }] = await Promise.all([
        import('../serve/served-model.ts'),
        import('../serve/create-server.ts'),
        import('../serve/serving-settings.ts'),
      ]);
      const plans = await Promise.all(folders.map(async (folder) => ({ ...folder, serving: await resolveServingSettings(folder.dir, given as Partial<ServingSettings>) })));
      for (const { serving } of plans) if (serving.ignored) process.stderr.write(`warning: ${serving.ignored}; serving with the defaults — rerun \`deepline bench-target\` to measure it\n`);
      checkOneTfjsEngine(plans.map((p) => p.serving.settings.engine));
      const loadPlan = async ({ name, dir, serving }: { name?: string; dir: string; serving: ResolvedServingSettings }): Promise<ServedModel> => {
        const load = (engine: ServingEngine): Promise<ServedModel> =>
          loadServedModel(dir, { ...(name !== undefined && { name }), engine, threads: serving.settings.threads, batching: { maxBatch: serving.settings.maxBatch, maxWaitMs: serving.settings.maxWaitMs } });
        try {
          return await load(serving.settings.engine);
        } catch (e) {
          // serving.json may have been measured where an engine is built that is not here (a copied folder).
          if (!isDeeplineError(e) || e.code !== 'DL_ENGINE' || serving.sources.engine !== 'serving.json') throw e;
          process.stderr.write(`warning: ${serving.file} chose the ${serving.settings.engine} engine, which does not start here (${e.message}); serving on onnx instead\n`);
          return load('onnx');
        }
      };
      // A registered version answers with its number (the X-Model-Version header and the body's `version`).
      const models = await Promise.all(plans.map(async (plan) => ({ ...(await loadPlan(plan)), ...(plan.registry && { version: String(plan.registry.version) }) })));
      const names = models.map((m) => m.name);
      const twice = names.find((n, k) => names.indexOf(n) !== k);
      if (twice) throw new DeeplineError('DL_USAGE', `two models are named ${twice}`, { hint: 'name them apart: deepline serve a=<folder> b=<folder>' });
      const server = await createServer(models, { ...(apiKey && { apiKey }), ...(logDir !== undefined && { predictionLog: { dir: logDir, sampleRate: logSample, keepInputs: opts.logInputs } }) });
      const address = await server.app.listen({ port, host: opts.host });
      const batching = new Set(models.map((m) => `batches of up to ${m.batching!.maxBatch}, ${m.batching!.maxWaitMs} ms wait`));
      // Before the banner: once it is printed, the server is whole (a store in PostgreSQL takes a moment to open).
      const following = await followRegistryStages(server, plans, models, { home: program.opts().home as string, store: storeOptions(program), pollMs, loadPlan, given: given as Partial<ServingSettings> });
      // One write, so a reader of the output never sees the banner half printed.
      process.stdout.write(
        [
          `serving ${names.join(', ')} at ${address} (${batching.size === 1 ? [...batching][0] : 'batching per model, below'}${apiKey ? ', API key required' : ''})`,
          ...models.map((m, k) => `  ${m.name}: ${m.runtime}, batches of up to ${m.batching!.maxBatch}, ${m.batching!.maxWaitMs} ms wait — ${settingsOrigin(plans[k]!.serving)}`),
          ...plans.flatMap(({ registry }, k) =>
            registry ? [`  ${models[k]!.name}: version ${registry.version} of ${registry.model}${registry.stage ? ` (${registry.stage}; a promotion or rollback is served within ${pollMs} ms, without a restart)` : ''}`] : [],
          ),
          ...models.map((m) => `  POST ${address}/v1/models/${m.name}/predict  ${m.task}: ${m.instanceHint}`),
          logDir !== undefined ? `  predictions logged to ${relative(process.cwd(), logDir) || logDir}${logSample < 1 ? ` (${logSample * 100}% of requests)` : ''}${models.some((m) => m.inputKind === 'image') ? (opts.logInputs ? ', image inputs kept with them (--no-log-inputs: hashes only)' : ', image inputs as hashes only') : ''}` : '  predictions not logged (--no-log)',
          '',
        ].join('\n'),
      );
      await new Promise<void>((done) => {
        const stop = (signal: string): void => {
          process.stdout.write(`${signal}: answering the requests in flight, then stopping\n`);
          following.stop();
          server.close().then(following.close).then(done, done);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
}

/**
 * Registered models served by stage (`iris`, `iris@staging`) follow it: the registry is read every
 * `pollMs`, and a newly promoted (or rolled-back-to) version is loaded and swapped in. Nothing is
 * opened when no model follows a stage.
 */
async function followRegistryStages(
  server: DeeplineServer,
  plans: readonly { registry?: RegistrySource }[],
  models: readonly ServedModel[],
  options: { home: string; store: OpenWorkspaceOptions; pollMs: number; given: Partial<ServingSettings>; loadPlan: (plan: { name: string; dir: string; serving: ResolvedServingSettings }) => Promise<ServedModel> },
): Promise<{ stop(): void; close(): Promise<void> }> {
  const followed = plans.flatMap(({ registry }, k) => (registry?.stage ? [{ registry, stage: registry.stage, model: models[k]! }] : []));
  if (followed.length === 0) return { stop: () => undefined, close: async () => undefined };
  const [{ openWorkspace }, { openModelRegistry }, { followRegistry }, { resolveServingSettings }] = await Promise.all([
    import('../store/workspace.ts'),
    import('../model-registry/open-model-registry.ts'),
    import('../serve/follow-registry.ts'),
    import('../serve/serving-settings.ts'),
  ]);
  const workspace = await openWorkspace(options.home, options.store);
  const registry = openModelRegistry(workspace);
  const followers = followed.map(({ registry: source, stage, model }) =>
    followRegistry({
      server,
      registry,
      artifacts: workspace.artifacts,
      name: model.name,
      model: source.model,
      stage,
      current: source.version,
      intervalMs: options.pollMs,
      // Served as at start: the command line's settings over the version's own serving.json.
      load: async (dir) => options.loadPlan({ name: model.name, dir, serving: await resolveServingSettings(dir, options.given) }),
      onSwap: (to, from) => process.stdout.write(`${model.name}: now serving version ${to.version} of ${source.model} (${stage}${from === undefined ? '' : `, was version ${from}`})\n`),
      onError: (e, version) =>
        process.stderr.write(`warning: ${model.name}: ${version ? `version ${version.version} of ${source.model} entered ${stage} but cannot be served` : 'cannot read the model registry'}: ${(e as Error).message}; still serving the version before\n`),
    }),
  );
  return {
    stop: () => followers.forEach((f) => f.stop()),
    close: async () => {
      await registry.close();
      await workspace.close();
    },
  };
}

/** One TF.js backend runs per process: models asking for two different TF.js engines cannot be served together. */
function checkOneTfjsEngine(engines: readonly ServingEngine[]): void {
  const tfjs = [...new Set(engines.filter((e) => e !== 'onnx'))];
  if (tfjs.length > 1) {
    throw new DeeplineError('DL_USAGE', `the models ask for ${tfjs.join(' and ')} (from their serving.json), but one process runs one TF.js engine`, {
      hint: `choose one for all: --engine ${tfjs[0]} (or --engine onnx), or serve them from separate processes`,
    });
  }
}

/** Where a model's settings came from, in words, for the banner. */
function settingsOrigin(serving: ResolvedServingSettings): string {
  const names: Record<keyof ServingSettings, string> = { engine: 'engine', maxBatch: 'max batch', maxWaitMs: 'wait', threads: 'threads' };
  const from = (source: string): string[] => (Object.keys(names) as (keyof ServingSettings)[]).filter((k) => serving.sources[k] === source).map((k) => names[k]);
  const parts: string[] = [];
  const file = serving.file ? relative(process.cwd(), serving.file) || serving.file : undefined;
  if (from('serving.json').length > 0) parts.push(`${from('serving.json').join(', ')} from ${file} (deepline bench-target)`);
  if (from('option').length > 0) parts.push(`${from('option').join(', ')} from the command line`);
  if (from('default').length > 0) parts.push(`${from('default').join(', ')} by default${serving.file || serving.ignored ? '' : ' (`deepline bench-target <folder>` measures and chooses them)'}`);
  return parts.join('; ');
}

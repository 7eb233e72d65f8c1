import { relative } from 'node:path';
import type { Command } from 'commander';
import { SERVING_ENGINES, type ServingEngine } from '../deploy/target-bench/serving-engine.ts';
import { DeeplineError, isDeeplineError } from '../errors/index.ts';
import type { ServedModel } from '../serve/served-model.ts';
import type { ResolvedServingSettings, ServingSettings } from '../serve/serving-settings.ts';
import { resolveRunFolder } from './resolve-run-folder.ts';

interface ServeCommandOptions {
  port: string;
  host: string;
  // Unset unless given: each model's serving.json (from `deepline bench-target`) fills the rest.
  maxBatch?: string;
  maxWaitMs?: string;
  apiKey?: string;
  threads?: string;
  engine?: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve trained models over HTTP: JSON predictions, dynamic batching, Prometheus metrics')
    .argument('<models...>', 'output folders of runs, or run ids; name=<folder> chooses the name a model is served under')
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option('--host <address>', 'address to bind; 0.0.0.0 serves other machines too', '127.0.0.1')
    .option('--max-batch <n>', "most instances run together; 1 turns batching off (default: the model's serving.json, else 32)")
    .option('--max-wait-ms <ms>', "how long a lone request waits for others to batch with (default: the model's serving.json, else 0: none; requests that arrive while a batch runs form the next)")
    .option('--api-key <key>', 'require this key on /v1 requests (default: $DEEPLINE_API_KEY; none when unset)')
    .option('--threads <n>', "ONNX Runtime (or native engine) threads per model run (default: the model's serving.json, else 1)")
    .option('--engine <name>', `what runs the models: onnx (ONNX Runtime on model.onnx), or TF.js on model/: ${SERVING_ENGINES.filter((e) => e !== 'onnx').join(', ')} (default: the model's serving.json, else onnx)`)
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

      const folders = await Promise.all(specs.map((spec) => resolveRunFolder(spec, program.opts().home as string)));
      const [{ loadServedModel }, { createServer }, { resolveServingSettings }] = await Promise.all([
        import('../serve/served-model.ts'),
        import('../serve/create-server.ts'),
        import('../serve/serving-settings.ts'),
      ]);
      const plans = await Promise.all(folders.map(async (folder) => ({ ...folder, serving: await resolveServingSettings(folder.dir, given as Partial<ServingSettings>) })));
      for (const { serving } of plans) if (serving.ignored) process.stderr.write(`warning: ${serving.ignored}; serving with the defaults — rerun \`deepline bench-target\` to measure it\n`);
      checkOneTfjsEngine(plans.map((p) => p.serving.settings.engine));
      const models = await Promise.all(
        plans.map(async ({ name, dir, serving }) => {
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
        }),
      );
      const names = models.map((m) => m.name);
      const twice = names.find((n, k) => names.indexOf(n) !== k);
      if (twice) throw new DeeplineError('DL_USAGE', `two models are named ${twice}`, { hint: 'name them apart: deepline serve a=<folder> b=<folder>' });
      const server = await createServer(models, { ...(apiKey && { apiKey }) });
      const address = await server.app.listen({ port, host: opts.host });
      const batching = new Set(models.map((m) => `batches of up to ${m.batching!.maxBatch}, ${m.batching!.maxWaitMs} ms wait`));
      // One write, so a reader of the output never sees the banner half printed.
      process.stdout.write(
        [
          `serving ${names.join(', ')} at ${address} (${batching.size === 1 ? [...batching][0] : 'batching per model, below'}${apiKey ? ', API key required' : ''})`,
          ...models.map((m, k) => `  ${m.name}: ${m.runtime}, batches of up to ${m.batching!.maxBatch}, ${m.batching!.maxWaitMs} ms wait — ${settingsOrigin(plans[k]!.serving)}`),
          ...models.map((m) => `  POST ${address}/v1/models/${m.name}/predict  ${m.task}: ${m.instanceHint}`),
          '',
        ].join('\n'),
      );
      await new Promise<void>((done) => {
        const stop = (signal: string): void => {
          process.stdout.write(`${signal}: answering the requests in flight, then stopping\n`);
          server.close().then(done, done);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
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

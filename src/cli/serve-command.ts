import type { Command } from 'commander';
import { DeeplineError } from '../errors/index.ts';
import { resolveRunFolder } from './resolve-run-folder.ts';

interface ServeCommandOptions {
  port: string;
  host: string;
  maxBatch: string;
  maxWaitMs: string;
  apiKey?: string;
  threads: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve trained models over HTTP: JSON predictions, dynamic batching, Prometheus metrics')
    .argument('<models...>', 'output folders of runs, or run ids; name=<folder> chooses the name a model is served under')
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option('--host <address>', 'address to bind; 0.0.0.0 serves other machines too', '127.0.0.1')
    .option('--max-batch <n>', 'most instances run together; 1 turns batching off', '32')
    .option('--max-wait-ms <ms>', 'how long a lone request waits for others to batch with (0: none; requests that arrive while a batch runs form the next)', '0')
    .option('--api-key <key>', 'require this key on /v1 requests (default: $DEEPLINE_API_KEY; none when unset)')
    .option('--threads <n>', 'ONNX Runtime threads per model run', '1')
    .addHelpText(
      'after',
      '\nEndpoints: POST /v1/models/<name>/predict with {"instances": [...]}, GET /v1/models, /openapi.json,\n/healthz, /readyz, /metrics. SIGTERM or Ctrl-C stops taking requests and answers those already taken.\n\nExample:\n  deepline serve out/iris\n  curl -s localhost:8080/v1/models/iris/predict -H \'content-type: application/json\' \\\n    -d \'{"instances": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]}\'',
    )
    .action(async (specs: string[], opts: ServeCommandOptions) => {
      const number = (value: string, flag: string, min: number): number => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < min) throw new DeeplineError('DL_USAGE', `${flag} must be a whole number >= ${min}, but got ${value}`);
        return n;
      };
      const port = number(opts.port, '--port', 0);
      const maxBatch = number(opts.maxBatch, '--max-batch', 1);
      const maxWaitMs = Number(opts.maxWaitMs);
      if (!(maxWaitMs >= 0)) throw new DeeplineError('DL_USAGE', `--max-wait-ms must be >= 0, but got ${opts.maxWaitMs}`);
      const threads = number(opts.threads, '--threads', 1);
      const apiKey = opts.apiKey ?? process.env.DEEPLINE_API_KEY;

      const folders = await Promise.all(specs.map((spec) => resolveRunFolder(spec, program.opts().home as string)));
      const [{ loadServedModel }, { createServer }] = await Promise.all([import('../serve/served-model.ts'), import('../serve/create-server.ts')]);
      const models = await Promise.all(folders.map(({ name, dir }) => loadServedModel(dir, { ...(name !== undefined && { name }), threads })));
      const names = models.map((m) => m.name);
      const twice = names.find((n, k) => names.indexOf(n) !== k);
      if (twice) throw new DeeplineError('DL_USAGE', `two models are named ${twice}`, { hint: 'name them apart: deepline serve a=<folder> b=<folder>' });
      const server = await createServer(models, { maxBatch, maxWaitMs, ...(apiKey && { apiKey }) });
      const address = await server.app.listen({ port, host: opts.host });
      // One write, so a reader of the output never sees the banner half printed.
      process.stdout.write(
        [
          `serving ${names.join(', ')} at ${address} (batches of up to ${maxBatch}, ${maxWaitMs} ms wait${apiKey ? ', API key required' : ''})`,
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

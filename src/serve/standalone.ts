import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createServer } from './create-server.ts';
import { loadServedModel } from './served-model.ts';

/**
 * What a server bundle (`deepline package --target server`) holds beside its entry point:
 * `deepline-bundle.json` names the models and the folders they are in.
 */
export interface BundleManifest {
  readonly models: readonly { readonly name: string; readonly dir: string }[];
}

/** The serving settings `deepline bench-target` chose (`serving.json` in a model folder), where present. */
interface ServingSettings {
  readonly maxBatch?: number;
  readonly maxWaitMs?: number;
  readonly threads?: number;
}

/**
 * The entry point of a server bundle: serves the bundle's models exactly as `deepline serve`
 * does, configured by environment variables — PORT (8080), HOST (127.0.0.1), DEEPLINE_API_KEY,
 * MAX_BATCH, MAX_WAIT_MS, THREADS (defaults from the model's serving.json, else 32, 0 and 1),
 * PREDICTION_LOG (a folder to log predictions to; none when unset) and LOG_SAMPLE (its rate, 1).
 * SIGTERM and SIGINT stop taking requests and answer those already taken.
 */
export async function startBundle(bundleDir: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const manifest = JSON.parse(readFileSync(join(bundleDir, 'deepline-bundle.json'), 'utf8')) as BundleManifest;
  const servingFile = join(bundleDir, manifest.models[0]!.dir, 'serving.json');
  const serving: ServingSettings = existsSync(servingFile) ? (JSON.parse(readFileSync(servingFile, 'utf8')) as ServingSettings) : {};
  const setting = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number >= ${min}, but is ${raw}`);
    return n;
  };
  const port = setting('PORT', 8080, 0);
  const host = env.HOST || '127.0.0.1';
  const maxBatch = setting('MAX_BATCH', serving.maxBatch ?? 32, 1);
  const maxWaitMs = setting('MAX_WAIT_MS', serving.maxWaitMs ?? 0, 0);
  const threads = setting('THREADS', serving.threads ?? 1, 1);
  const apiKey = env.DEEPLINE_API_KEY || undefined;
  const logDir = env.PREDICTION_LOG || undefined;
  const sampleRate = setting('LOG_SAMPLE', 1, 0);

  const models = await Promise.all(manifest.models.map(({ name, dir }) => loadServedModel(resolve(bundleDir, dir), { name, threads })));
  const server = await createServer(models, { maxBatch, maxWaitMs, ...(apiKey && { apiKey }), ...(logDir && { predictionLog: { dir: resolve(logDir), sampleRate } }) });
  const address = await server.app.listen({ port, host });
  process.stdout.write(
    [
      `serving ${models.map((m) => m.name).join(', ')} at ${address} (batches of up to ${maxBatch}, ${maxWaitMs} ms wait${apiKey ? ', API key required' : ''})`,
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
}

import { request as httpRequest } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, deepline, tempDir } from '../e2e/cli-helpers.ts';

/** The task files of the test workspace: iris with a 3-trial search, digits without one. */
export function writeTasks(dir: string): { iris: string; digits: string } {
  const iris = join(dir, 'iris.yaml');
  writeFileSync(
    iris,
    [
      'name: iris-search',
      'task: tabular-classification',
      `data: { path: ${join(ROOT, 'examples/data/iris.csv')}, target: species }`,
      'budget: { trials: 3 }',
      // No learned warm start: the trials are the sampler's own, whatever runs the workspace holds.
      'search: { workers: 2, prior: false, space: { epochs: 15 } }',
      'prepare: { labelNoise: none }',
      'engine: wasm',
      'seed: 5',
      `output: ${join(dir, 'out-iris')}`,
      '',
    ].join('\n'),
  );
  const digits = join(dir, 'digits.yaml');
  writeFileSync(
    digits,
    [
      'name: digits',
      'task: image-classification',
      `data: { path: ${join(ROOT, 'examples/data/digits.csv')}, target: digit, image: { width: 8, height: 8, channels: 1 } }`,
      'search: { enabled: false }',
      'security: { enabled: false }',
      'budget: { epochs: 2 }',
      'seed: 3',
      `output: ${join(dir, 'out-digits')}`,
      '',
    ].join('\n'),
  );
  return { iris, digits };
}

/** A workspace with two real runs (made by the CLI, as a user would) and their run ids. */
export function makeWorkspace(): { dir: string; home: string; iris: string; digits: string } {
  const dir = tempDir('deepline-ui-');
  const home = join(dir, 'home');
  const tasks = writeTasks(dir);
  const ids: string[] = [];
  for (const task of [tasks.iris, tasks.digits]) {
    const r = deepline(['run', task, '--json'], { home });
    if (r.code !== 0) throw new Error(`deepline run ${task} failed (${r.code}):\n${r.stderr}`);
    ids.push((JSON.parse(r.stdout) as { runId: string }).runId);
  }
  return { dir, home, iris: ids[0]!, digits: ids[1]! };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  json<T = unknown>(): T;
  text(): string;
}

/**
 * One HTTP request with the path sent exactly as given — no URL normalisation of `..` or of
 * percent-escapes, which fetch would apply — so tests send what an attacker would.
 */
export function raw(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const all = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: all,
            json: <T>() => JSON.parse(all.toString('utf8')) as T,
            text: () => all.toString('utf8'),
          });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

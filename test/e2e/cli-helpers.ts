import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

/** The newest modification time of a file under `dir`, in ms. */
function newestUnder(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Whether dist/ was compiled after the last change to src/ (npm ci and `npm run build` compile
 * it). DEEPLINE_TEST_CLI=sources or =compiled overrides the check.
 */
function compiledIsFresh(): boolean {
  const forced = process.env.DEEPLINE_TEST_CLI;
  if (forced === 'sources' || forced === 'compiled') return forced === 'compiled';
  const entry = join(ROOT, 'dist/cli/deepline.js');
  if (!existsSync(entry)) return false;
  const built = statSync(entry).mtimeMs;
  return newestUnder(join(ROOT, 'src')) <= built && ['package.json', 'tsconfig.json', 'tsconfig.build.json'].every((f) => statSync(join(ROOT, f)).mtimeMs <= built);
}

/**
 * The node arguments that start `deepline`: the compiled bin/deepline.js when dist/ is at least
 * as new as every source — it starts in about a third of the time, and the e2e suite starts the
 * CLI some 200 times — else the TypeScript sources through tsx, so a test never runs a stale
 * build. test/e2e/compiled-cli checks the compiled CLI itself either way.
 */
export const CLI: readonly string[] = compiledIsFresh()
  ? [join(ROOT, 'bin/deepline.js')]
  : ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/deepline.ts')];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A fresh folder for one test's workspace, outputs and data. */
export function tempDir(prefix = 'deepline-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs the real `deepline` binary as a user would, with its workspace in `home`. */
export function deepline(args: string[], options: { home: string; cwd?: string }): CliResult {
  const r = spawnSync(process.execPath, [...CLI, '--home', options.home, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    timeout: 240_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `deepline` and resolves once a stderr line matches `pattern`; returns the live child. */
export function deeplineUntil(args: string[], options: { home: string }, pattern: RegExp) {
  const child = spawn(process.execPath, [...CLI, '--home', options.home, ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const matched = new Promise<string>((resolvePromise, reject) => {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      const line = stderr.split('\n').find((l) => pattern.test(l));
      if (line) resolvePromise(line);
    });
    child.on('exit', (code) => reject(new Error(`deepline exited (${code}) before printing ${pattern}:\n${stderr}`)));
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code, signal) => r(signal ? null : code)));
  return { child, matched, exited, stderr: () => stderr };
}

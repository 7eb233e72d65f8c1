import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
// The CLI from its TypeScript sources, so tests never run a stale build; test/e2e/compiled-cli
// checks the compiled bin/deepline.js that users run.
const CLI = ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/deepline.ts')];

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

/**
 * The compiled CLI users run (bin/deepline.js → dist/, built by `npm ci`): it starts without the
 * heavy modules, a fully cached run never loads TF.js, its trial workers run without tsx, and a
 * notice all the workers give is printed once.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, before } from 'node:test';
import { ROOT, tempDir } from './cli-helpers.ts';

const BIN = join(ROOT, 'bin/deepline.js');
const RECORDER = join(ROOT, 'test/fixtures/record-imports.mjs');
const IRIS = join(ROOT, 'examples/data/iris.csv');

/** Runs bin/deepline.js, recording every module it imports; returns the output and those URLs. */
function compiled(args: string[], home: string, env: Record<string, string> = {}) {
  const record = join(home, `imports-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`);
  const r = spawnSync(process.execPath, ['--import', RECORDER, BIN, '--home', home, ...args], {
    cwd: home,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', RECORD_IMPORTS: record, ...env },
    timeout: 240_000,
  });
  const imports = existsSync(record) ? readFileSync(record, 'utf8').split('\n').filter(Boolean) : [];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, imports };
}

const packagesIn = (imports: readonly string[]): Set<string> =>
  new Set(imports.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []));

/** The newest modification time under a folder, in ms. */
function newest(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)),
  );
}

describe('compiled CLI', { timeout: 600_000 }, () => {
  before(() => {
    // npm ci builds dist/; after editing sources without `npm run build`, build it here.
    const entry = join(ROOT, 'dist/cli/deepline.js');
    if (existsSync(entry) && newest(join(ROOT, 'dist')) >= newest(join(ROOT, 'src'))) return;
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, `npm run build failed:\n${r.stdout}${r.stderr}`);
  });

  it('prints help without loading the engine, sharp, SQLite or the task schema', () => {
    const home = tempDir();
    const r = compiled(['--help'], home);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Usage: deepline/);
    for (const command of ['run', 'init', 'profile', 'validate', 'runs', 'show']) assert.match(r.stdout, new RegExp(`^  ${command}\\b`, 'm'));
    const loaded = packagesIn(r.imports);
    assert.ok(loaded.has('commander'), `the recorder saw the imports: ${[...loaded].join(', ')}`);
    for (const heavy of ['@tensorflow/tfjs', '@tensorflow/tfjs-core', 'sharp', 'better-sqlite3', 'zod', 'csv-parse']) {
      assert.ok(!loaded.has(heavy), `--help loaded ${heavy}`);
    }
  });

  it('lists runs with SQLite alone', () => {
    const home = tempDir();
    const r = compiled(['runs'], home);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no runs yet/);
    const loaded = packagesIn(r.imports);
    assert.ok(loaded.has('better-sqlite3'));
    for (const heavy of ['@tensorflow/tfjs', '@tensorflow/tfjs-core', 'sharp']) assert.ok(!loaded.has(heavy), `runs loaded ${heavy}`);
  });

  it('runs a 2-worker search from dist/, says the engine notice once, and reruns it cached without TF.js', () => {
    const home = tempDir();
    const args = ['run', '--data', IRIS, '--target', 'species', '--trials', '2', '--workers', '2', '--output', join(home, 'out')];
    // With the native engine turned off, the parent and each of the two workers fall back to wasm.
    const first = compiled(args, home, { DEEPLINE_NATIVE: '0' });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /test accuracy/);
    const notices = first.stderr.split('\n').filter((line) => line.includes('DEEPLINE_NATIVE=0'));
    assert.equal(notices.length, 1, `the fallback notice should be printed once, but got:\n${first.stderr}`);
    assert.ok(!packagesIn(first.imports).has('tsx'), 'the compiled CLI must not need tsx');

    const second = compiled(args, home, { DEEPLINE_NATIVE: '0' });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /(\d+)\/\1 steps cached/);
    const loaded = packagesIn(second.imports);
    for (const heavy of ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', 'sharp']) {
      assert.ok(!loaded.has(heavy), `a fully cached run loaded ${heavy}`);
    }
  });
});

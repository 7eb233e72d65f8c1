/**
 * Budget benchmark (issue 11): every shipped example run end to end by the compiled CLI with
 * `--minutes M`, each in a fresh workspace and output folder (nothing cached), one after another;
 * prints the wall time of each beside its budget and the test metric it reached.
 *
 *   npm run bench:budget -- [--minutes 2] [--tolerance 10] [--only digits,iris] [--engine auto]
 *
 * A run is within budget when its wall time, process start to exit, is at most the budget plus
 * the tolerance in seconds (the last epoch may overrun its deadline, since training stops only
 * between epochs). Run it on a quiet machine: a busy one slows every run alike but the budget
 * does not stretch.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '2' },
    tolerance: { type: 'string', default: '10' },
    only: { type: 'string' },
    engine: { type: 'string', default: 'auto' },
  },
});

interface Row {
  readonly example: string;
  readonly wallS: number;
  readonly status: string;
  readonly metric: string;
}

async function runExample(file: string, minutes: number): Promise<Row> {
  const dir = await mkdtemp(join(tmpdir(), 'deepline-budget-'));
  const example = basename(file, '.yaml');
  const started = performance.now();
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'deepline.js'), '--home', join(dir, 'home'), 'run', file, '--minutes', String(minutes), '--output', join(dir, 'out'), '--engine', args.engine!, '--json'],
      { cwd: dir, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
  const wallS = (performance.now() - started) / 1000;
  await rm(dir, { recursive: true, force: true });
  if (result.code !== 0) {
    const last = result.stderr.trim().split('\n').slice(-3).join(' | ');
    return { example, wallS, status: `failed (exit ${result.code}): ${last}`, metric: '-' };
  }
  const parsed = JSON.parse(result.stdout) as { metrics?: Record<string, unknown> };
  return { example, wallS, status: 'completed', metric: describeMetrics(parsed.metrics) };
}

function describeMetrics(metrics: Record<string, unknown> | undefined): string {
  if (!metrics) return '-';
  for (const key of ['accuracy', 'macroF1', 'rmse', 'r2']) {
    const value = metrics[key];
    if (typeof value === 'number') return `${key} ${value.toFixed(4)}`;
  }
  return '-';
}

async function main(): Promise<void> {
  const minutes = Number(args.minutes);
  const tolerance = Number(args.tolerance);
  const only = args.only?.split(',');
  const files = (await readdir(join(ROOT, 'examples')))
    .filter((f) => f.endsWith('.yaml') && (!only || only.includes(basename(f, '.yaml'))))
    .sort()
    .map((f) => join(ROOT, 'examples', f));
  console.log(`budget ${minutes} min (${minutes * 60} s) per example, tolerance ${tolerance} s, engine ${args.engine}`);
  console.log('example           budget    wall    within  status     test metric');
  let over = 0;
  for (const file of files) {
    const row = await runExample(file, minutes);
    const within = row.wallS <= minutes * 60 + tolerance;
    if (!within) over++;
    console.log(
      `${row.example.padEnd(16)}  ${`${minutes * 60} s`.padStart(6)}  ${`${row.wallS.toFixed(1)} s`.padStart(7)}  ${(within ? 'yes' : 'NO').padEnd(6)}  ${row.status.padEnd(9)}  ${row.metric}`,
    );
  }
  console.log(over === 0 ? `every example ended within ${minutes} min + ${tolerance} s` : `${over} example(s) ran over`);
}

await main();

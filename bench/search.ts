/**
 * Search benchmark (issue 4): the same Fashion-MNIST task run end to end by the CLI twice, once
 * with TPE + ASHA and once with random search (no early stopping), each with the same time budget
 * and workers; prints test accuracy, trials complete / pruned / rejected (too slow for a trial's
 * time), time to best and trial-epochs (epochs that trials completed, partial ones included).
 *
 *   npm run bench:search -- [--minutes 10] [--workers 2] [--train 10000] [--engine auto]
 *                           [--only tpe-asha|random] [--keep] [--augment]
 *
 * Training examples are the first `--train` of the training files (10,000 allowed by the issue);
 * the test set is the predefined t10k set (10,000 images), evaluated once per run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import type { StudySummary } from '../src/search/study-summary.ts';

const FASHION = '/usr/share/datasets/fashion-mnist';
const ROOT = resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    workers: { type: 'string', default: '2' },
    train: { type: 'string', default: '10000' },
    engine: { type: 'string', default: 'auto' },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
    // Training-time augmentation in the task file (random horizontal flips and shifts of up to 10%).
    augment: { type: 'boolean', default: false },
  },
});

interface Config {
  readonly label: string;
  readonly key: string;
  readonly sampler: string;
  readonly scheduler: string;
}

const CONFIGS: Config[] = [
  { label: 'TPE + ASHA', key: 'tpe-asha', sampler: 'tpe', scheduler: 'asha' },
  { label: 'random search', key: 'random', sampler: 'random', scheduler: 'none' },
];

/** The first `n` items of an IDX file (header kept, count rewritten). */
function idxHead(bytes: Buffer, n: number): Buffer {
  const dims = bytes[3];
  const shape = Array.from({ length: dims }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const itemSize = shape.slice(1).reduce((a, b) => a * b, 1);
  const header = Buffer.from(bytes.subarray(0, 4 + 4 * dims));
  const count = Math.min(n, shape[0]);
  header.writeUInt32BE(count, 4);
  return Buffer.concat([header, bytes.subarray(header.length, header.length + count * itemSize)]);
}

async function writeSubset(dir: string, n: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const file of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']) {
    await writeFile(join(dir, file), idxHead(gunzipSync(await readFile(join(FASHION, `${file}.gz`))), n));
  }
  for (const file of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
    await writeFile(join(dir, file), gunzipSync(await readFile(join(FASHION, `${file}.gz`))));
  }
}

function taskYaml(config: Config, dataDir: string): string {
  return [
    `name: fashion-${config.key}`,
    'task: image-classification',
    `data: { path: ${dataDir}, format: idx }`,
    'metric: accuracy',
    'split: { train: 0.85, validation: 0.15, test: 0 }',
    'seed: 42',
    `budget: { minutes: ${Number(args.minutes)} }`,
    `search: { sampler: ${config.sampler}, scheduler: ${config.scheduler}, workers: ${Number(args.workers)} }`,
    // Label-noise cross-validation costs minutes on 8,500 images and is not what is measured here.
    'prepare: { labelNoise: none }',
    ...(args.augment ? ['augment: { flip: horizontal, shift: 0.1 }'] : []),
    `engine: ${args.engine}`,
    'output: out',
    '',
  ].join('\n');
}

async function runCli(cwd: string, taskFile: string): Promise<number> {
  const started = performance.now();
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/deepline.ts'), 'run', taskFile], { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CI: 'true' } });
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`deepline run ${taskFile} exited with ${code}`))));
  });
  return performance.now() - started;
}

interface Row {
  readonly label: string;
  readonly accuracy: number;
  readonly trials: number;
  readonly complete: number;
  readonly pruned: number;
  readonly rejected: number;
  readonly failed: number;
  readonly trialEpochs: number;
  readonly timeToBestMs?: number;
  readonly searchMs: number;
  readonly wallMs: number;
  readonly engine: string;
}

async function main(): Promise<void> {
  if (!existsSync(join(FASHION, 'train-images-idx3-ubyte.gz'))) {
    console.error(`bench:search needs Fashion-MNIST in ${FASHION} (apt-get install dataset-fashion-mnist)`);
    process.exit(2);
  }
  const root = await mkdtemp(join(tmpdir(), 'deepline-bench-search-'));
  const dataDir = join(root, 'fashion');
  await writeSubset(dataDir, Number(args.train));
  const cpu = execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"]).toString().trim();
  console.log(`bench:search — Fashion-MNIST, ${args.train} training images (85% train / 15% validation), t10k test set`);
  console.log(`budget ${args.minutes} min per run, ${args.workers} workers, engine ${args.engine}; ${cpu}\n`);

  const rows: Row[] = [];
  for (const config of CONFIGS.filter((c) => args.only === undefined || c.key === args.only)) {
    const dir = join(root, config.key);
    await mkdir(dir, { recursive: true });
    const taskFile = join(dir, 'task.yaml');
    await writeFile(taskFile, taskYaml(config, dataDir));
    console.log(`--- ${config.label} ---`);
    const wallMs = await runCli(dir, taskFile);
    const metrics = JSON.parse(await readFile(join(dir, 'out', 'metrics.json'), 'utf8')) as { accuracy: number; latency: { engine: string } };
    const study = JSON.parse(await readFile(join(dir, 'out', 'study.json'), 'utf8')) as StudySummary;
    const count = (state: string): number => study.trials.filter((t) => t.state === state && !t.rejected).length;
    rows.push({
      label: config.label,
      accuracy: metrics.accuracy,
      trials: study.trials.length,
      complete: count('complete'),
      pruned: count('pruned'),
      rejected: study.trials.filter((t) => t.rejected).length,
      failed: count('failed'),
      trialEpochs: study.trials.reduce((sum, t) => sum + t.curve.length, 0),
      ...(study.timeToBestMs !== undefined && { timeToBestMs: study.timeToBestMs }),
      searchMs: study.durationMs,
      wallMs,
      engine: metrics.latency.engine,
    });
  }

  const table = [
    ['search', 'test accuracy', 'trials', 'complete', 'pruned', 'rejected', 'failed', 'trial-epochs', 'time to best', 'search time', 'run wall', 'engine'],
    ...rows.map((r) => [
      r.label,
      r.accuracy.toFixed(4),
      String(r.trials),
      String(r.complete),
      String(r.pruned),
      String(r.rejected),
      String(r.failed),
      String(r.trialEpochs),
      r.timeToBestMs === undefined ? '-' : `${(r.timeToBestMs / 1000).toFixed(0)} s`,
      `${(r.searchMs / 1000).toFixed(0)} s`,
      `${(r.wallMs / 1000).toFixed(0)} s`,
      r.engine,
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  console.log('');
  for (const row of table) console.log(row.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  '));
  const [tpe, random] = rows;
  if (tpe && random) {
    console.log(`\nTPE+ASHA − random: ${((tpe.accuracy - random.accuracy) * 100).toFixed(2)} points of test accuracy (target: TPE+ASHA ≥ 0.88 and ≥ random)`);
  }
  if (args.keep) console.log(`\nruns kept in ${root}`);
  else await rm(root, { recursive: true, force: true });
}

await main();

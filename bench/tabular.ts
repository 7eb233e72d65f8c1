/**
 * Small-data benchmark (issue 18): deepline with its defaults, as `deepline run --data F --target T`
 * runs it, against the baselines a data scientist would try first, on the very same test rows:
 * standardised logistic regression (classification), ridge regression (regression), TF-IDF +
 * logistic regression (text) — written in bench/tabular/ and run in this process — and, when
 * /usr/bin/python3 has scikit-learn (`apt-get install python3-sklearn`), its HistGradientBoosting.
 *
 *   npm run bench:tabular -- [--seeds 5] [--sets wine,spam] [--keep]
 *
 * Each (set, seed) is a fresh workspace; the baselines train on deepline's train + validation rows
 * (read back from the run's split step) and are tested on its test rows. Prints each run, then
 * the mean test accuracy (or R²) per set and the gap, in points, of deepline to the best baseline.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { loadTable } from '../src/data/table.ts';
import { openWorkspace } from '../src/store/workspace.ts';
import { crossValidate, fitLogistic, fitRidge, fitStandardiser, fitTfidf, tokenize, type Matrix } from './tabular/linear-baselines.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PYTHON = '/usr/bin/python3';

interface BenchSet {
  readonly name: string;
  readonly file: string;
  readonly target: string;
  readonly kind: 'class' | 'regression';
  readonly text?: boolean;
}

const SETS: readonly BenchSet[] = [
  { name: 'iris', file: 'iris.csv', target: 'species', kind: 'class' },
  { name: 'wine', file: 'wine.csv', target: 'cultivar', kind: 'class' },
  { name: 'breast-cancer', file: 'breast-cancer.csv', target: 'diagnosis', kind: 'class' },
  { name: 'diabetes', file: 'diabetes.csv', target: 'progression', kind: 'regression' },
  { name: 'housing', file: 'housing.csv', target: 'medv', kind: 'regression' },
  { name: 'headlines', file: 'headlines.csv', target: 'topic', kind: 'class', text: true },
  { name: 'spam', file: 'spam.csv', target: 'label', kind: 'class', text: true },
];

const { values: args } = parseArgs({ options: { seeds: { type: 'string', default: '5' }, sets: { type: 'string' }, keep: { type: 'boolean', default: false } } });

interface Split {
  readonly train: string[][];
  readonly test: string[][];
  readonly header: string[];
}

interface RunScores {
  readonly deepline: number;
  readonly linear: number;
  readonly hgb?: number;
  readonly seconds: number;
  readonly chose?: string;
}

async function runDeepline(set: BenchSet, seed: number): Promise<{ score: number; seconds: number; split: Split; chose?: string }> {
  const dir = await mkdtemp(join(tmpdir(), `deepline-tabular-${set.name}-`));
  const home = join(dir, 'home');
  const file = join(ROOT, 'examples', 'data', set.file);
  const started = performance.now();
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'deepline.ts'), '--home', home, 'run', '--data', file, '--target', set.target, '--seed', String(seed), '--output', join(dir, 'out'), '--json'], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
  const seconds = (performance.now() - started) / 1000;
  try {
    if (result.code !== 0) throw new Error(`deepline failed on ${set.name} (exit ${result.code}): ${result.stderr.trim().split('\n').slice(-5).join(' | ')}`);
    const parsed = JSON.parse(result.stdout) as { runId: string; metrics: Record<string, unknown> };
    const score = Number(set.kind === 'class' ? parsed.metrics.accuracy : parsed.metrics.r2);
    const chose = result.stderr
      .split('\n')
      .filter((line) => line.startsWith('search: small data') || line.startsWith('final model'))
      .map((line) => line.trim())
      .join('\n  ');
    return { score, seconds, split: await splitOf(home, parsed.runId, file), ...(chose && { chose }) };
  } finally {
    if (!args.keep) await rm(dir, { recursive: true, force: true });
  }
}

/** The raw CSV rows deepline put in train + validation and in test, read back from its split step. */
async function splitOf(home: string, runId: string, file: string): Promise<Split> {
  const workspace = await openWorkspace(home);
  try {
    const detail = await workspace.metadata.getRunDetail(runId);
    const step = detail?.steps.find((s) => s.name === 'split' && s.outputs.test !== undefined);
    if (!step) throw new Error(`run ${runId} has no split step`);
    const rowsOf = async (output: string): Promise<Int32Array> => {
      const ref = await workspace.artifacts.get(step.outputs[output]!);
      return (await loadTable(await workspace.artifacts.localPath(ref!))).sourceRows;
    };
    const [header, ...records] = parse(await readFile(file, 'utf8')) as string[][];
    const pick = (rows: Int32Array): string[][] => Array.from(rows, (r) => records[r - 1]!);
    const [train, validation, test] = await Promise.all([rowsOf('train'), rowsOf('validation'), rowsOf('test')]);
    return { header: header!, train: [...pick(train), ...pick(validation)], test: pick(test) };
  } finally {
    await workspace.close();
  }
}

function baselines(set: BenchSet, split: Split, seed: number): { linear: number; hgb?: number } {
  const t = split.header.indexOf(set.target);
  const features = split.header.map((_, i) => i).filter((i) => i !== t);
  if (set.text) {
    // The longest column is the text; the others are categories, added to the bag as "column=value".
    const textColumn = features.reduce((a, b) => (avgLength(split.train, b) > avgLength(split.train, a) ? b : a));
    const tokens = (row: string[]): string[] => [...tokenize(row[textColumn]!), ...features.filter((i) => i !== textColumn).map((i) => `${split.header[i]}=${row[i]}`)];
    const tfidf = fitTfidf(split.train.map(tokens));
    return { linear: classify(split.train.map((r) => tfidf(tokens(r))), split.train.map((r) => r[t]!), split.test.map((r) => tfidf(tokens(r))), split.test.map((r) => r[t]!), [1, 10, 100]) };
  }
  const numbers = (rows: string[][]): Matrix => rows.map((r) => Float64Array.from(features, (i) => Number(r[i])));
  const [train, test] = [numbers(split.train), numbers(split.test)];
  const standardise = fitStandardiser(train);
  const [trainS, testS] = [train.map(standardise), test.map(standardise)];
  const hgb = histGradientBoosting(set.kind, train, split.train.map((r) => r[t]!), test, split.test.map((r) => r[t]!), seed);
  if (set.kind === 'class') return { linear: classify(trainS, split.train.map((r) => r[t]!), testS, split.test.map((r) => r[t]!), [0.1, 1, 10]), ...(hgb !== undefined && { hgb }) };
  const y = Float64Array.from(split.train, (r) => Number(r[t]));
  const lambda = crossValidate(trainS.length, 5, [0.1, 1, 10, 100], (l, tr, held) =>
    r2(held.map((i) => y[i]!), predictAll(fitRidge(tr.map((i) => trainS[i]!), Float64Array.from(tr, (i) => y[i]!), l), held.map((i) => trainS[i]!))),
  );
  const model = fitRidge(trainS, y, lambda);
  return { linear: r2(split.test.map((r) => Number(r[t])), predictAll(model, testS)), ...(hgb !== undefined && { hgb }) };
}

function predictAll(model: (row: Float64Array) => number, rows: Matrix): number[] {
  return rows.map(model);
}

function classify(train: Matrix, trainLabels: string[], test: Matrix, testLabels: string[], cs: readonly number[]): number {
  const classes = [...new Set(trainLabels)].sort();
  const y = Int32Array.from(trainLabels, (l) => classes.indexOf(l));
  const c = crossValidate(train.length, 5, cs, (value, tr, held) => {
    const model = fitLogistic(tr.map((i) => train[i]!), Int32Array.from(tr, (i) => y[i]!), classes.length, value);
    return held.filter((i) => model(train[i]!) === y[i]).length / held.length;
  });
  const model = fitLogistic(train, y, classes.length, c);
  return test.filter((row, i) => classes[model(row)] === testLabels[i]).length / test.length;
}

function r2(actual: readonly number[], predicted: readonly number[]): number {
  const mean = actual.reduce((s, v) => s + v, 0) / actual.length;
  const residual = actual.reduce((s, v, i) => s + (v - predicted[i]!) ** 2, 0);
  const total = actual.reduce((s, v) => s + (v - mean) ** 2, 0);
  return 1 - residual / total;
}

function avgLength(rows: string[][], column: number): number {
  return rows.reduce((s, r) => s + (r[column]?.length ?? 0), 0) / rows.length;
}

let sklearn: boolean | undefined;
function histGradientBoosting(kind: BenchSet['kind'], train: Matrix, trainY: string[], test: Matrix, testY: string[], seed: number): number | undefined {
  sklearn ??= spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
  if (!sklearn) return undefined;
  const job = { kind, seed, train: train.map((r) => [...r]), test: test.map((r) => [...r]), trainY: kind === 'class' ? trainY : trainY.map(Number), testY: kind === 'class' ? testY : testY.map(Number) };
  const run = spawnSync(PYTHON, [join(import.meta.dirname, 'tabular', 'hist-gradient-boosting.py')], { input: JSON.stringify(job), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`HistGradientBoosting failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { score: number }).score;
}

const mean = (xs: readonly number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
const pct = (v: number | undefined): string => (v === undefined ? '-' : (100 * v).toFixed(1));

async function main(): Promise<void> {
  const seeds = Number(args.seeds);
  const only = args.sets?.split(',');
  const sets = SETS.filter((s) => !only || only.includes(s.name));
  if (only && sets.length !== only.length) throw new Error(`unknown set in --sets ${args.sets}: the sets are ${SETS.map((s) => s.name).join(', ')}`);
  const version = spawnSync(PYTHON, ['-c', 'import sklearn; print(sklearn.__version__)'], { encoding: 'utf8' });
  console.log(`bench:tabular: ${sets.length} sets x ${seeds} seeds; deepline with its defaults (deepline run --data --target); scikit-learn ${version.status === 0 ? version.stdout.trim() : 'not installed (no HistGradientBoosting column)'}`);
  if (process.env.DEEPLINE_PRIOR !== undefined) console.log(`DEEPLINE_PRIOR=${process.env.DEEPLINE_PRIOR} (the warm start's shipped prior is replaced)`);
  const results = new Map<string, RunScores[]>();
  for (const set of sets) {
    for (let seed = 1; seed <= seeds; seed++) {
      let run: Awaited<ReturnType<typeof runDeepline>>;
      try {
        run = await runDeepline(set, seed);
      } catch (e) {
        // One failed run is reported and left out of the means; the other sets still run.
        console.log(`${set.name} seed ${seed}: ${(e as Error).message}`);
        continue;
      }
      const base = baselines(set, run.split, seed);
      const scores: RunScores = { deepline: run.score, seconds: run.seconds, ...base, ...(run.chose && { chose: run.chose }) };
      results.set(set.name, [...(results.get(set.name) ?? []), scores]);
      console.log(`${set.name} seed ${seed}: deepline ${pct(run.score)} (${run.seconds.toFixed(0)} s, ${run.split.train.length} train+val / ${run.split.test.length} test rows) · linear ${pct(base.linear)} · HGB ${pct(base.hgb)}${run.chose ? `\n  ${run.chose}` : ''}`);
    }
  }
  console.log('\nmean test accuracy (classification) or R² (regression), in points, over seeds 1..' + seeds);
  console.log('| set | metric | deepline | linear | HistGB | best baseline | gap | deepline s/run |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  const gaps: number[] = [];
  const means = { deepline: [] as number[], best: [] as number[] };
  for (const set of sets) {
    const rows = results.get(set.name);
    if (!rows) {
      console.log(`| ${set.name} | every run failed | | | | | | |`);
      continue;
    }
    const d = mean(rows.map((r) => r.deepline));
    const linear = mean(rows.map((r) => r.linear));
    const hgb = rows.every((r) => r.hgb !== undefined) ? mean(rows.map((r) => r.hgb!)) : undefined;
    const best = Math.max(linear, hgb ?? -Infinity);
    gaps.push(100 * (d - best));
    means.deepline.push(d);
    means.best.push(best);
    console.log(`| ${set.name} | ${set.kind === 'class' ? (set.text ? 'accuracy (text)' : 'accuracy') : 'R²'} | ${pct(d)} | ${pct(linear)} | ${pct(hgb)} | ${pct(best)} | ${(100 * (d - best)).toFixed(1)} | ${mean(rows.map((r) => r.seconds)).toFixed(0)} |`);
  }
  console.log(`| mean | | ${pct(mean(means.deepline))} | | | ${pct(mean(means.best))} | ${(100 * (mean(means.deepline) - mean(means.best))).toFixed(1)} | |`);
  const worst = Math.min(...gaps);
  console.log(`target: deepline ≥ the best baseline on the mean (${mean(means.deepline) >= mean(means.best) ? 'met' : 'not met'}), never more than 1 point below on a set (worst gap ${worst.toFixed(1)}: ${worst >= -1 ? 'met' : 'not met'})`);
}

await main();

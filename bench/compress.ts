/**
 * Compression benchmark (issue 14): the digits CNN and, when /usr/share/datasets/fashion-mnist is
 * installed, the Fashion-MNIST CNN (a 10k-image training subset, the full t10k test set), each
 * trained as `deepline run --no-search` trains it (the family's default genome), then compressed
 * by the compress step's own code: float, float16, int8, 50% of channels pruned (structured,
 * Taylor importance, 3 steps with fine-tuning) and 80% of weights pruned (unstructured, global
 * magnitude), each saved as TF.js and as ONNX, loaded back from the files and measured there:
 * size, gzip size, latency at batch 1 and 64 (the TF.js files on the native engine, as a compiled
 * inference plan where the model allows, as `deepline serve --engine native` runs them; ONNX in
 * ONNX Runtime: each model's best of 7 rounds of medians, the models timed in turn, so that load
 * from other work on the machine falls on all of them alike) and test accuracy. Ends with the
 * issue's targets, each PASS or FAIL.
 *
 *   npm run bench:compress -- [--datasets digits,fashion-mnist] [--fine-tune-epochs 8] [--fashion-train 10000] [--keep]
 *
 * The timings share the machine with whatever else runs: run it on a quiet one.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compressModel, type CompressionPlan, type WrittenVariant } from '../src/compress/compress-model.ts';
import { variantMetric } from '../src/compress/variant-metric.ts';
import { createRegistries } from '../src/context/registries.ts';
import type { Dataset } from '../src/data/dataset.ts';
import { applyTransform, fitTransform } from '../src/data/normalizer.ts';
import { splitDataset } from '../src/data/split.ts';
import { initEngine } from '../src/engine/engine.ts';
import { buildModel } from '../src/models/build-model.ts';
import { builtinFamilies } from '../src/testing/builtin-families.ts';
import { fitModel } from '../src/train/fit.ts';

const ROOT = resolve(import.meta.dirname, '..');
const FASHION = '/usr/share/datasets/fashion-mnist';

const { values: args } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'digits,fashion-mnist' },
    'fine-tune-epochs': { type: 'string', default: '8' },
    'fashion-train': { type: 'string', default: '10000' },
    keep: { type: 'boolean', default: false },
  },
});

interface Splits {
  readonly train: Dataset;
  readonly validation: Dataset;
  readonly test: Dataset;
  /** Training settings as the image task type's defaults give them (docs/task-file.md). */
  readonly epochs: number;
}

const registries = createRegistries();

async function digits(): Promise<Splits> {
  const read = await registries.readers.get('csv').read(
    { path: join(ROOT, 'examples/data/digits.csv'), format: 'csv', target: 'digit', image: { width: 8, height: 8, channels: 1 }, taskKind: 'classification' },
    {},
  );
  const split = splitDataset(read.dataset, { fractions: { train: 0.7, validation: 0.15, test: 0.15 }, seed: 42 });
  return { ...normalised(split.train, split.validation, split.test), epochs: 40 };
}

async function fashion(limit: number): Promise<Splits> {
  const read = await registries.readers.get('idx').read({ path: FASHION, format: 'idx', taskKind: 'classification', limit }, {});
  const split = splitDataset(read.dataset, { fractions: { train: 0.85, validation: 0.15, test: 0 }, seed: 42, predefinedTest: read.test! });
  return { ...normalised(split.train, split.validation, split.test), epochs: 20 };
}

function normalised(train: Dataset, validation: Dataset, test: Dataset): Omit<Splits, 'epochs'> {
  const transform = fitTransform(train);
  return { train: applyTransform(transform, train), validation: applyTransform(transform, validation), test: applyTransform(transform, test) };
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

async function bench(name: string, splits: Splits, fineTuneEpochs: number): Promise<string[]> {
  const { train, validation, test } = splits;
  const families = await builtinFamilies();
  const classes = train.target.kind === 'class' ? train.target.classes.length : 1;
  const genome = families.get('image', 'cnn').defaultGenome(train.featureShape, classes);
  const model = buildModel(genome, { inputShape: train.featureShape, head: { units: classes, activation: 'softmax' }, seed: 42, families });
  process.stdout.write(`\n## ${name}: ${train.n} train, ${validation.n} validation, ${test.n} test examples of [${train.featureShape.join(', ')}]; genome ${JSON.stringify(genome)}\n`);
  let started = performance.now();
  const fit = await fitModel(model, { train, validation, epochs: splits.epochs, batchSize: 64, learningRate: 1e-3, patience: 6, seed: 42, schedule: 'cosine' });
  process.stdout.write(`trained ${fit.history.length} epochs in ${((performance.now() - started) / 1000).toFixed(1)} s (${fit.reason}), ${model.countParams()} parameters\n`);
  const plan: CompressionPlan = {
    prunings: [null, { method: 'channel', amount: 0.5 }, { method: 'magnitude', amount: 0.8 }],
    precisions: ['float32', 'float16', 'int8'],
    formats: ['tfjs', 'onnx'],
    batch: 64,
    // Each figure is the best of 7 rounds over all 18 saved models, 200 ms of calls each.
    timing: { rounds: 7, repeats: 10, minMs: 200 },
  };
  const dir = mkdtempSync(join(tmpdir(), 'deepline-bench-compress-'));
  started = performance.now();
  let variants: WrittenVariant[];
  try {
    variants = await compressModel(model, plan, {
      train,
      validation,
      test,
      metric: variantMetric(test),
      pruners: registries.pruners,
      quantizers: registries.quantizers,
      fineTune: { epochs: fineTuneEpochs, batchSize: 64, learningRate: 1e-3 },
      seed: 42,
      properties: { name },
      dir,
      onPruneStep: (request, s) => process.stdout.write(`  ${request.method} step ${s.step}/${s.steps}: ${(s.fraction * 100).toFixed(0)}% pruned, ${s.params} parameters, validation accuracy ${s.valMetric.toFixed(4)} (${s.epochs} epochs)\n`),
    });
  } finally {
    model.dispose();
    if (args.keep) console.log(`saved variants kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  const float = variants.find((v) => v.name === 'float32')!;
  const runtimes = float.artifacts.map((a) => `${a.format} on ${a.runtime}`).join(', ');
  process.stdout.write(`compressed and measured ${variants.length} variants in ${((performance.now() - started) / 1000).toFixed(1)} s (${runtimes})\n\n`);
  const rows = variants.flatMap((v) =>
    v.artifacts.map((a) => {
      const base = float.artifacts.find((b) => b.format === a.format)!;
      return [
        v.name,
        a.format,
        String(v.params),
        kb(a.bytes),
        kb(a.gzipBytes),
        `${((a.bytes / base.bytes) * 100).toFixed(1)}%`,
        a.metric.toFixed(4),
        `${((a.metric - base.metric) * 100).toFixed(2)}`,
        a.batch1Ms.toFixed(3),
        a.batchMs.toFixed(3),
        `${(base.batchMs / a.batchMs).toFixed(2)}x`,
      ];
    }),
  );
  printTable(['variant', 'format', 'params', 'size', 'gzip', 'of float', 'accuracy', 'Δ points', 'b1 ms', 'b64 ms', 'b64 speed-up'], rows);
  for (const v of variants.filter((x) => x.pruning && x.precision === 'float32')) process.stdout.write(`${v.name}: ${v.pruning!.summary}\n`);
  const verdicts: string[] = [];
  const check = (what: string, ok: boolean, figures: string): void => {
    verdicts.push(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${what} — ${figures}`);
  };
  for (const format of ['tfjs', 'onnx']) {
    const base = float.artifacts.find((a) => a.format === format)!;
    const int8 = variants.find((v) => v.name === 'int8')!.artifacts.find((a) => a.format === format)!;
    const share = int8.bytes / base.bytes;
    const loss = (base.metric - int8.metric) * 100;
    check(`int8 ${format} ≤ 30% of float size, ≤ 1 point loss`, share <= 0.3 && loss <= 1, `${(share * 100).toFixed(1)}% (${kb(int8.bytes)} of ${kb(base.bytes)}), ${loss.toFixed(2)} points`);
    const pruned = variants.find((v) => v.name === 'channel-50%')!.artifacts.find((a) => a.format === format)!;
    const speedup = base.batchMs / pruned.batchMs;
    const prunedLoss = (base.metric - pruned.metric) * 100;
    check(`channel-50% ${format} ≥ 1.5x faster at batch 64, ≤ 1.5 points loss`, speedup >= 1.5 && prunedLoss <= 1.5, `${speedup.toFixed(2)}x (${pruned.batchMs.toFixed(3)} vs ${base.batchMs.toFixed(3)} ms), ${prunedLoss.toFixed(2)} points`);
  }
  return verdicts;
}

function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(`${line(head)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`);
}

const engine = await initEngine('auto');
process.stdout.write(`deepline compression benchmark — TF.js files on ${engine.name}, ONNX in onnxruntime-node; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
const wanted = args.datasets.split(',').map((s) => s.trim());
const fineTuneEpochs = Number(args['fine-tune-epochs']);
const verdicts: string[] = [];
if (wanted.includes('digits')) verdicts.push(...(await bench('digits', await digits(), fineTuneEpochs)));
if (wanted.includes('fashion-mnist')) {
  if (existsSync(FASHION)) verdicts.push(...(await bench('fashion-mnist', await fashion(Number(args['fashion-train'])), fineTuneEpochs)));
  else process.stdout.write(`\n## fashion-mnist: skipped (${FASHION} is not installed: apt-get install dataset-fashion-mnist)\n`);
}
process.stdout.write(`\ntargets (load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')})\n${verdicts.join('\n')}\n`);

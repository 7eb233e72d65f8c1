/**
 * Training and inference throughput of each deep-learning engine, side by side, for a small CNN
 * and a 3-layer MLP on 28x28 images (Fashion-MNIST) and on 8x8 ones (digits), at one thread, at
 * two and at `auto`. The native engine and PyTorch run each row --runs times, the settings in
 * turns, and keep the fastest run (the slowest is printed beside it).
 *
 *   node --import tsx bench/engine.ts [--seconds 8] [--engines native,wasm,cpu,pytorch] [--threads 1,2,auto] [--runs 3]
 *     [--models cnn-28,mlp-28,cnn-8,mlp-8]
 *
 * 28x28 data: Fashion-MNIST from /usr/share/datasets/fashion-mnist (IDX, gzip; Debian package
 * dataset-fashion-mnist; without it those rows are left out). 8x8 data: the digits CSV of
 * examples/data. The MLPs take the pixels as features. Each engine trains the same seeded model on the same batches for
 * at most --seconds, then predicts for a third of that. Warm-up batches (kernel setup, oneDNN
 * and XNNPACK operator creation) are not timed. Thread counts apply to the native engine and to
 * PyTorch (/usr/bin/python3 with python3-torch and, for a tuned BLAS, libopenblas0-openmp;
 * bench/engine-torch.py); wasm in Node and the
 * plain-JS cpu engine have one thread only, so they run once. `auto` is the native engine's
 * default: the training picks 1 or all cores by timing its first batches, and that tuning is
 * part of the timed training.
 *
 * PyTorch trains on exactly the same batches — the same images, labels and order, written to a
 * temporary folder for it — from the same initial weights with the same Adam (epsilon 1e-7, as
 * tfjs), with the native engine's OpenMP wait policy. Its CPU speed depends on the values (on
 * uniform random inputs it trained this CNN 4x slower than on Fashion-MNIST), so only the same
 * data gives a fair figure; the equal first losses printed show that it is the same training.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { createSeededRandom } from '../src/seed/seeded-random.ts';
import { initEngine, type ResolvedEngine } from '../src/engine/engine.ts';
import { nativeThreadTuner, setNativeThreads, type ThreadSetting } from '../src/engine/native/native-threads.ts';

const BATCH = 64;
const CLASSES = 10;
const SEED = 20240601;
// The cpu engine is ~100x slower than wasm: a few batches give its figure.
const MAX_TRAIN_BATCHES: Record<ResolvedEngine, number> = { native: 5000, 'tfjs-node': 5000, wasm: 2000, cpu: 4 };
const MAX_INFER_BATCHES: Record<ResolvedEngine, number> = { native: 5000, 'tfjs-node': 5000, wasm: 2000, cpu: 10 };
const PYTHON = '/usr/bin/python3';
// What the native engine sets for itself when OMP_WAIT_POLICY is unset (native-addon.ts).
const OMP_WAIT_POLICY = process.env.OMP_WAIT_POLICY ?? 'PASSIVE';

type ModelKind = 'cnn' | 'mlp';
/** A model on an input size: cnn-8 and mlp-8 on the 8x8 digits, cnn-28 and mlp-28 on Fashion-MNIST. */
type ModelName = `${ModelKind}-${8 | 28}`;
type BenchEngine = ResolvedEngine | 'pytorch';

interface ImageSet {
  name: string;
  /** Pixels scaled to [0, 1], image after image, height × width × 1 each. */
  images: Float32Array;
  labels: Int32Array;
  count: number;
  total: number;
  height: number;
  width: number;
}

interface Result {
  model: ModelName;
  engine: BenchEngine;
  threads: string;
  trainPerSecond: number;
  trainBatches: number;
  firstLoss: number;
  lastLoss: number;
  inferPerSecond: number;
  inferBatches: number;
}

/** An IDX file (the MNIST family's format): magic 0x0000, type 0x08 (ubyte), rank, big-endian sizes. */
function readIdx(path: string): { dims: number[]; data: Uint8Array } {
  const bytes = gunzipSync(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0 || bytes[2] !== 0x08) throw new Error(`${path}: not an unsigned-byte IDX file`);
  const rank = bytes[3];
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length < offset + size) throw new Error(`${path}: truncated (${bytes.length - offset} of ${size} bytes)`);
  return { dims, data: bytes.subarray(offset, offset + size) };
}

function loadFashionMnist(dir: string, limit: number): ImageSet {
  const images = readIdx(`${dir}/train-images-idx3-ubyte.gz`);
  const labels = readIdx(`${dir}/train-labels-idx1-ubyte.gz`);
  const [total, height, width] = images.dims;
  if (labels.dims[0] !== total) throw new Error(`${dir}: ${total} images but ${labels.dims[0]} labels`);
  const count = Math.min(limit, total);
  const pixels = new Float32Array(count * height * width);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  return { name: 'Fashion-MNIST', images: pixels, labels: Int32Array.from(labels.data.subarray(0, count)), count, total, height, width };
}

/** scikit-learn's digits: 64 columns px0..px63 (0-16) and a `digit` label column. */
function loadDigitsCsv(path: string, limit: number): ImageSet {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const labelColumn = header.indexOf('digit');
  if (labelColumn < 0 || header.length !== 65) throw new Error(`${path}: expected px0..px63 and a digit column`);
  const rows = lines.slice(1);
  const count = Math.min(limit, rows.length);
  const images = new Float32Array(count * 64);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const cells = rows[n].split(',').map(Number);
    let p = 0;
    cells.forEach((v, c) => {
      if (c === labelColumn) labels[n] = v;
      else images[n * 64 + p++] = v / 16;
    });
  }
  return { name: 'digits (8x8)', images, labels, count, total: rows.length, height: 8, width: 8 };
}

function fashionMnist(limit: number): ImageSet | undefined {
  const dir = '/usr/share/datasets/fashion-mnist';
  return existsSync(`${dir}/train-images-idx3-ubyte.gz`) ? loadFashionMnist(dir, limit) : undefined;
}

/** conv 3x3x16 → maxpool → conv 3x3x32 → maxpool → dense 10, seeded so every engine starts equal. */
function buildCnn(height: number, width: number): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: SEED + k });
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [height, width, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: init(3) }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

/** dense 256-relu → dense 128-relu → dense 10-softmax on `features` inputs. */
function buildMlp(features: number): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: SEED + 10 + k });
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [features], units: 256, activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(2) }));
  model.add(tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: init(3) }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

/** Batch `b` of a fixed shuffled order, as tensors on the current engine; flat rows when `flat`. */
function batchAt(data: ImageSet, order: Int32Array, b: number, flat: boolean): [tf.Tensor, tf.Tensor2D] {
  const size = data.height * data.width;
  const x = new Float32Array(BATCH * size);
  const y = new Int32Array(BATCH);
  for (let i = 0; i < BATCH; i++) {
    const n = order[(b * BATCH + i) % order.length];
    x.set(data.images.subarray(n * size, (n + 1) * size), i * size);
    y[i] = data.labels[n];
  }
  const shape = flat ? [BATCH, size] : [BATCH, data.height, data.width, 1];
  return tf.tidy(() => [tf.tensor(x, shape), tf.oneHot(tf.tensor1d(y, 'int32'), CLASSES) as tf.Tensor2D]);
}

interface Workload {
  model: ModelName;
  kind: ModelKind;
  data: ImageSet;
  order: Int32Array;
  build(): tf.Sequential;
  flat: boolean;
  torchArgs: string[];
}

/**
 * Writes what PyTorch needs to train exactly as the TF.js engines do: the inputs (float32, one
 * example after another), labels and order (int32), and the initial weights (float32, in the
 * model's order, with their shapes in weights.json). Returns the script's arguments.
 */
async function writeTorchInputs(work: Workload, dir: string): Promise<string[]> {
  const prefix = join(dir, work.model);
  writeFileSync(`${prefix}-inputs.f32`, work.data.images);
  writeFileSync(`${prefix}-labels.i32`, work.data.labels);
  writeFileSync(`${prefix}-order.i32`, work.order);
  await initEngine('cpu');
  const model = work.build();
  const weights = model.getWeights();
  const shapes = weights.map((w) => w.shape);
  const values = await Promise.all(weights.map((w) => w.data() as Promise<Float32Array>));
  writeFileSync(`${prefix}-weights.f32`, Buffer.concat(values.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength))));
  writeFileSync(`${prefix}-weights.json`, JSON.stringify(shapes));
  model.dispose();
  return ['--data', prefix, '--count', String(work.data.count)];
}

async function benchTfjs(engine: ResolvedEngine, threads: ThreadSetting | undefined, work: Workload, seconds: number): Promise<Result> {
  await initEngine(engine);
  if (threads !== undefined) setNativeThreads(threads);
  const model = work.build();
  // With auto threads the first timed batches choose the count, as in deepline's own training.
  const tuner = engine === 'native' && threads === 'auto' ? nativeThreadTuner() : undefined;
  // The tuner starts with the timed batches, so that the timing includes what its choice costs.
  const trainOn = async (b: number, tune = true): Promise<number> => {
    const [x, y] = batchAt(work.data, work.order, b, work.flat);
    if (tune) tuner?.beforeBatch();
    const start = performance.now();
    const loss = (await model.trainOnBatch(x, y)) as number;
    if (tune) tuner?.afterBatch(performance.now() - start);
    tf.dispose([x, y]);
    return loss;
  };
  const firstLoss = await trainOn(0, false);
  await trainOn(1, false);
  let trainBatches = 0;
  let lastLoss = firstLoss;
  const trainStart = performance.now();
  while (trainBatches < MAX_TRAIN_BATCHES[engine] && (trainBatches < 2 || performance.now() - trainStart < seconds * 1000)) {
    lastLoss = await trainOn(2 + trainBatches);
    trainBatches++;
  }
  const trainSeconds = (performance.now() - trainStart) / 1000;

  const predictOn = (b: number): void => {
    const [x, y] = batchAt(work.data, work.order, b, work.flat);
    const out = model.predict(x) as tf.Tensor;
    out.dataSync();
    tf.dispose([x, y, out]);
  };
  predictOn(0);
  predictOn(1);
  let inferBatches = 0;
  const inferStart = performance.now();
  while (inferBatches < MAX_INFER_BATCHES[engine] && (inferBatches < 2 || performance.now() - inferStart < (seconds * 1000) / 3)) {
    predictOn(2 + inferBatches);
    inferBatches++;
  }
  const inferSeconds = (performance.now() - inferStart) / 1000;
  model.dispose();
  return {
    model: work.model,
    engine,
    threads: threads === undefined ? '1' : threads === 'auto' ? `auto:${tuner?.chosen ?? '-'}` : String(threads),
    trainPerSecond: (trainBatches * BATCH) / trainSeconds,
    trainBatches,
    firstLoss,
    lastLoss,
    inferPerSecond: (inferBatches * BATCH) / inferSeconds,
    inferBatches,
  };
}

/** PyTorch's figure for the same model and batch, from bench/engine-torch.py. */
function benchPytorch(threads: number, work: Workload, seconds: number, dataArgs: string[]): Result {
  const script = fileURLToPath(new URL('./engine-torch.py', import.meta.url));
  // Both use OpenMP; PyTorch gets the native engine's wait policy (PASSIVE unless set), so that
  // 2-thread rows compare like with like: on a busy machine the default spinning made either
  // one ~10x slower at 2 threads (measured here, load ~3.5 on 2 cores).
  const env = { ...process.env, OMP_WAIT_POLICY: OMP_WAIT_POLICY };
  const run = spawnSync(PYTHON, [script, '--model', work.kind, '--threads', String(threads), '--seconds', String(seconds), ...work.torchArgs, ...dataArgs], {
    encoding: 'utf8',
    env,
  });
  if (run.status !== 0) throw new Error((run.stderr || run.error?.message || 'failed').trim().split('\n').pop());
  const out = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { train: number; infer: number; first_loss: number; last_loss: number; matmul_gflops: number };
  torchMatmulGflops = Math.min(torchMatmulGflops, out.matmul_gflops);
  return {
    model: work.model,
    engine: 'pytorch',
    threads: String(threads),
    trainPerSecond: out.train,
    trainBatches: NaN,
    firstLoss: out.first_loss,
    lastLoss: out.last_loss,
    inferPerSecond: out.infer,
    inferBatches: NaN,
  };
}

/** The slowest matmul speed PyTorch reported (GFLOP/s, batch 64 x 784 x 256) over its rows. */
let torchMatmulGflops = Infinity;
/** Below this PyTorch runs on the reference BLAS; OpenBLAS or MKL reach 50-100+ on one AVX2 core. */
const SLOW_BLAS_GFLOPS = 20;

function hasPytorch(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function loadDigitFeatures(): ImageSet {
  for (const path of [fileURLToPath(new URL('../examples/data/digits.csv', import.meta.url)), '/work/shared/data/digits.csv']) {
    if (existsSync(path)) return loadDigitsCsv(path, Infinity);
  }
  throw new Error('no data for the MLP: digits.csv was not found');
}

async function main(): Promise<void> {
  const seconds = Number(option('seconds', '6'));
  const runs = Number(option('runs', '3'));
  const engines = option('engines', 'native,wasm,cpu,pytorch').split(',') as BenchEngine[];
  const threadCounts: ThreadSetting[] = option('threads', '1,2,auto')
    .split(',')
    .map((t) => (t === 'auto' ? 'auto' : Number(t)));
  const fashion = fashionMnist((MAX_TRAIN_BATCHES.wasm + 1) * BATCH);
  const digits = loadDigitFeatures();
  const wanted = option('models', fashion ? 'cnn-28,mlp-28,cnn-8,mlp-8' : 'cnn-8,mlp-8').split(',') as ModelName[];
  const shuffled = (n: number): Int32Array => createSeededRandom(SEED).shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const workload = (model: ModelName): Workload => {
    const [kind, size] = model.split('-') as [ModelKind, string];
    const data = size === '28' ? fashion : digits;
    if (!data) throw new Error(`${model} needs Fashion-MNIST: apt-get install dataset-fashion-mnist`);
    const features = data.height * data.width;
    return kind === 'cnn'
      ? { model, kind, data, order: shuffled(data.count), build: () => buildCnn(data.height, data.width), flat: false, torchArgs: ['--height', String(data.height), '--width', String(data.width)] }
      : { model, kind, data, order: shuffled(data.count), build: () => buildMlp(features), flat: true, torchArgs: ['--features', String(features)] };
  };
  const workloads = wanted.map(workload);
  const torch = engines.includes('pytorch') && hasPytorch();
  console.log(`deepline engine bench: batch ${BATCH}, Adam 1e-3, up to ${seconds}s of training per run, the fastest of ${runs} runs per row (native, PyTorch)`);
  console.log('cnn: conv3x3x16-relu, maxpool2, conv3x3x32-relu, maxpool2, dense10-softmax; mlp: the pixels as features, dense256-relu, dense128-relu, dense10-softmax');
  for (const w of workloads) console.log(`${w.model}: ${w.data.name}, ${w.data.height}x${w.data.width} (${w.data.count} of ${w.data.total} training images)`);
  // Other work on the machine skews every row (the 2-thread ones most): the load says how much.
  const load = loadavg()[0].toFixed(2);
  console.log(`machine: ${availableParallelism()} cpus, load average ${load} at start, node ${process.version}, OMP_WAIT_POLICY=${OMP_WAIT_POLICY} (native and PyTorch)${torch ? '' : '; PyTorch: not found (apt-get install python3-torch)'}`);
  const row = (cells: string[]): string =>
    cells.map((c, i) => (i <= 1 ? c.padEnd(i === 0 ? 7 : 10) : c.padStart(i === 6 ? 18 : 11))).join(' ');
  const lines: string[] = [];
  const results: Result[] = [];
  const torchDir = torch ? mkdtempSync(join(tmpdir(), 'deepline-bench-')) : undefined;
  try {
    for (const work of workloads) {
      const torchArgs = torchDir ? await writeTorchInputs(work, torchDir) : [];
      for (const engine of engines) {
        if (engine === 'pytorch' && !torch) continue;
        // PyTorch picks no thread count itself: it runs at the fixed counts only.
        const threadsFor: (ThreadSetting | undefined)[] =
          engine === 'native' ? threadCounts : engine === 'pytorch' ? threadCounts.filter((t) => t !== 'auto') : [undefined];
        // Several runs, the settings taken in turns, and the fastest kept: a process's speed
        // varies from run to run (PyTorch's CNN trained at 1,800 to 9,500 ex/s in back-to-back
        // runs of one script here: its memory-bound ReLU backward and pooling depend on where
        // the buffers land), and the fastest is what each engine is known to reach.
        const rounds = engine === 'native' || engine === 'pytorch' ? runs : 1;
        const best = new Map<ThreadSetting | undefined, { result: Result; slowest: number }>();
        const failed = new Map<ThreadSetting | undefined, string>();
        for (let round = 0; round < rounds; round++) {
          for (const threads of threadsFor) {
            if (failed.has(threads)) continue;
            // Progress on stderr; the table comes at the end, clear of tfjs's own start-up banners.
            process.stderr.write(`running ${work.model} on ${engine}${threads !== undefined ? ` (threads ${threads})` : ''}, run ${round + 1} of ${rounds}...\n`);
            try {
              const result =
                engine === 'pytorch' ? benchPytorch(threads as number, work, seconds, torchArgs) : await benchTfjs(engine, threads, work, seconds);
              const seen = best.get(threads);
              const slowest = Math.min(seen?.slowest ?? Infinity, result.trainPerSecond);
              best.set(threads, { result: !seen || result.trainPerSecond > seen.result.trainPerSecond ? result : seen.result, slowest });
            } catch (e) {
              failed.set(threads, (e as Error).message.split('\n')[0]);
            }
          }
        }
        for (const threads of threadsFor) {
          const reason = failed.get(threads);
          const entry = best.get(threads);
          if (reason !== undefined || !entry) {
            lines.push(row([work.model, engine, String(threads ?? 1), `unavailable: ${reason}`]));
            continue;
          }
          const { result, slowest } = entry;
          results.push(result);
          lines.push(
            row([
              work.model,
              engine,
              result.threads,
              result.trainPerSecond.toFixed(1),
              rounds > 1 ? slowest.toFixed(1) : '-',
              Number.isNaN(result.trainBatches) ? '-' : String(result.trainBatches),
              `${result.firstLoss.toFixed(4)} -> ${result.lastLoss.toFixed(3)}`,
              result.inferPerSecond.toFixed(1),
            ]),
          );
        }
      }
    }
  } finally {
    if (torchDir) rmSync(torchDir, { recursive: true, force: true });
  }
  console.log(`\nload average at the end: ${loadavg()[0].toFixed(2)}`);
  if (Number.isFinite(torchMatmulGflops)) {
    const slow = torchMatmulGflops < SLOW_BLAS_GFLOPS;
    console.log(
      `PyTorch matmul: ${torchMatmulGflops.toFixed(1)} GFLOP/s at its slowest row` +
        (slow
          ? ' — far below what it reaches with a tuned BLAS: it runs on the reference libblas.so.3, so its figures are not representative.' +
            ' Install OpenBLAS (apt-get install libopenblas0-openmp) and run again.'
          : ''),
    );
  }
  console.log(`${row(['model', 'engine', 'threads', 'train ex/s', 'slowest run', 'batches', 'loss first->last', 'infer ex/s'])}`);
  for (const line of lines) console.log(line);
  console.log('');
  const find = (model: ModelName, engine: BenchEngine, threads: string): Result | undefined =>
    results.find((r) => r.model === model && r.engine === engine && (threads === 'auto' ? r.threads.startsWith('auto') : r.threads === threads));
  for (const { model } of workloads) {
    for (const threads of threadCounts.map(String)) {
      const native = find(model, 'native', threads);
      if (!native) continue;
      const parts = (['pytorch', 'wasm', 'cpu'] as const).flatMap((other) => {
        const base = other === 'pytorch' && threads === 'auto' ? bestOf(results, model, 'pytorch') : find(model, other, other === 'pytorch' ? threads : '1');
        return base ? [`${(native.trainPerSecond / base.trainPerSecond).toFixed(2)}x ${other}${other === 'pytorch' ? (threads === 'auto' ? ` at ${base.threads} thread${base.threads === '1' ? '' : 's'}, its best` : '') : ' (1 thread)'}`] : [];
      });
      const infer = (['pytorch', 'wasm'] as const).flatMap((other) => {
        const base = find(model, other, other === 'pytorch' ? (threads === 'auto' ? '1' : threads) : '1');
        return base ? [`${(native.inferPerSecond / base.inferPerSecond).toFixed(2)}x ${other}`] : [];
      });
      if (parts.length) console.log(`${model}, threads ${threads}: native trains at ${parts.join(', ')}; infers at ${infer.join(', ')}`);
    }
    // auto against the better of the fixed counts: the default must never lose to a fixed choice.
    const auto = find(model, 'native', 'auto');
    const fixed = results.filter((r) => r.model === model && r.engine === 'native' && !r.threads.startsWith('auto'));
    if (auto && fixed.length) {
      const best = fixed.reduce((a, b) => (b.trainPerSecond > a.trainPerSecond ? b : a));
      console.log(`${model}: native auto (chose ${auto.threads.slice(5)}) trains at ${(auto.trainPerSecond / best.trainPerSecond).toFixed(2)}x its best fixed count (${best.threads} thread${best.threads === '1' ? '' : 's'})`);
    }
  }
}

/** The fastest training row of an engine for a model, over its thread counts. */
function bestOf(results: readonly Result[], model: ModelName, engine: BenchEngine): Result | undefined {
  return results.filter((r) => r.model === model && r.engine === engine).reduce<Result | undefined>((a, b) => (!a || b.trainPerSecond > a.trainPerSecond ? b : a), undefined);
}

await main();

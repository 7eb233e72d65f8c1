/**
 * CNN training and inference throughput of each deep-learning engine, side by side.
 *
 *   node --import tsx bench/engine.ts [--seconds 25] [--engines tfjs-node,wasm,cpu]
 *
 * Data: Fashion-MNIST from /usr/share/datasets/fashion-mnist (IDX, gzip), else the 8x8 digits CSV
 * of examples/data or /work/shared/data. Each engine trains the same seeded CNN on the same
 * batches for at most --seconds (the cpu engine, ~100x slower, gets only a few batches), then
 * predicts for a third of that. Warm-up batches (kernel setup, XNNPACK operator creation) are
 * not timed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { createSeededRandom } from '../src/data/seeded-random.ts';
import { initEngine, type ResolvedEngine } from '../src/engine/engine.ts';

const BATCH = 64;
const CLASSES = 10;
const SEED = 20240601;
const MAX_TRAIN_BATCHES = { 'tfjs-node': 400, wasm: 400, cpu: 4 } as const;
const MAX_INFER_BATCHES = { 'tfjs-node': 200, wasm: 200, cpu: 10 } as const;

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

interface EngineResult {
  engine: ResolvedEngine;
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

function loadImages(limit: number): ImageSet {
  const fashion = '/usr/share/datasets/fashion-mnist';
  if (existsSync(`${fashion}/train-images-idx3-ubyte.gz`)) return loadFashionMnist(fashion, limit);
  for (const path of [fileURLToPath(new URL('../examples/data/digits.csv', import.meta.url)), '/work/shared/data/digits.csv']) {
    if (existsSync(path)) return loadDigitsCsv(path, limit);
  }
  throw new Error('no data: neither Fashion-MNIST nor digits.csv was found');
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

/** Batch `b` of a fixed shuffled order, as tensors on the current engine. */
function batchAt(data: ImageSet, order: Int32Array, b: number): [tf.Tensor4D, tf.Tensor2D] {
  const size = data.height * data.width;
  const x = new Float32Array(BATCH * size);
  const y = new Int32Array(BATCH);
  for (let i = 0; i < BATCH; i++) {
    const n = order[(b * BATCH + i) % order.length];
    x.set(data.images.subarray(n * size, (n + 1) * size), i * size);
    y[i] = data.labels[n];
  }
  return tf.tidy(() => [tf.tensor4d(x, [BATCH, data.height, data.width, 1]), tf.oneHot(tf.tensor1d(y, 'int32'), CLASSES) as tf.Tensor2D]);
}

async function benchEngine(engine: ResolvedEngine, data: ImageSet, order: Int32Array, seconds: number): Promise<EngineResult> {
  await initEngine(engine);
  const model = buildCnn(data.height, data.width);
  const trainOn = async (b: number): Promise<number> => {
    const [x, y] = batchAt(data, order, b);
    const loss = (await model.trainOnBatch(x, y)) as number;
    tf.dispose([x, y]);
    return loss;
  };
  const firstLoss = await trainOn(0);
  let trainBatches = 0;
  let lastLoss = firstLoss;
  const trainStart = performance.now();
  while (trainBatches < MAX_TRAIN_BATCHES[engine] && (trainBatches < 2 || performance.now() - trainStart < seconds * 1000)) {
    lastLoss = await trainOn(1 + trainBatches);
    trainBatches++;
  }
  const trainSeconds = (performance.now() - trainStart) / 1000;

  const predictOn = (b: number): void => {
    const [x, y] = batchAt(data, order, b);
    const out = model.predict(x) as tf.Tensor;
    out.dataSync();
    tf.dispose([x, y, out]);
  };
  predictOn(0);
  let inferBatches = 0;
  const inferStart = performance.now();
  while (inferBatches < MAX_INFER_BATCHES[engine] && (inferBatches < 2 || performance.now() - inferStart < (seconds * 1000) / 3)) {
    predictOn(1 + inferBatches);
    inferBatches++;
  }
  const inferSeconds = (performance.now() - inferStart) / 1000;
  model.dispose();
  return {
    engine,
    trainPerSecond: (trainBatches * BATCH) / trainSeconds,
    trainBatches,
    firstLoss,
    lastLoss,
    inferPerSecond: (inferBatches * BATCH) / inferSeconds,
    inferBatches,
  };
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const seconds = Number(option('seconds', '25'));
  const engines = option('engines', 'tfjs-node,wasm,cpu').split(',') as ResolvedEngine[];
  const data = loadImages((MAX_TRAIN_BATCHES.wasm + 1) * BATCH);
  const order = createSeededRandom(SEED).shuffle(Int32Array.from({ length: data.count }, (_, i) => i));
  console.log(`deepline engine bench: ${data.name}, ${data.height}x${data.width}x1, ${CLASSES} classes (${data.count} of ${data.total} training images)`);
  console.log(`model: conv3x3x16-relu, maxpool2, conv3x3x32-relu, maxpool2, dense10-softmax; Adam 1e-3; batch ${BATCH}`);
  console.log(`machine: ${availableParallelism()} cpus, node ${process.version}, up to ${seconds}s of training per engine`);
  const row = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(10) : c.padStart(i === 3 ? 18 : 12))).join(' ');
  const lines: string[] = [];
  const results: EngineResult[] = [];
  for (const engine of engines) {
    // Progress on stderr; the table comes at the end, clear of tfjs's own start-up banners.
    process.stderr.write(`running ${engine}...\n`);
    let result: EngineResult;
    try {
      result = await benchEngine(engine, data, order, seconds);
    } catch (e) {
      lines.push(row([engine, `unavailable: ${(e as Error).message.split('\n')[0]}`]));
      continue;
    }
    results.push(result);
    lines.push(
      row([
        engine,
        result.trainPerSecond.toFixed(1),
        String(result.trainBatches),
        `${result.firstLoss.toFixed(3)} -> ${result.lastLoss.toFixed(3)}`,
        result.inferPerSecond.toFixed(1),
        String(result.inferBatches),
      ]),
    );
  }
  console.log(`\n${row(['engine', 'train ex/s', 'batches', 'loss first->last', 'infer ex/s', 'batches'])}`);
  for (const line of lines) console.log(line);
  const wasm = results.find((r) => r.engine === 'wasm');
  const cpu = results.find((r) => r.engine === 'cpu');
  if (wasm && cpu) {
    console.log(
      `\nwasm trains ${(wasm.trainPerSecond / cpu.trainPerSecond).toFixed(0)}x faster than cpu and infers ` +
        `${(wasm.inferPerSecond / cpu.inferPerSecond).toFixed(0)}x faster.`,
    );
  }
}

await main();

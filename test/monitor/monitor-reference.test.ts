import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { parse } from 'csv-parse/sync';
import { createRegistries } from '../../src/context/registries.ts';
import { parseTransform, transformFeatures } from '../../src/data/normalizer.ts';
import { embeddingModel } from '../../src/models/embedding-model.ts';
import { checkWindow } from '../../src/monitor/check-window.ts';
import type { MonitorReference } from '../../src/monitor/reference/monitor-reference.ts';
import type { WindowRecord } from '../../src/monitor/reference/window-samples.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { loadModel } from '../../src/train/model-io.ts';
import { deepline, ROOT, tempDir } from '../e2e/cli-helpers.ts';

function train(dir: string, name: string, data: string, extra: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\ndata: ${data}\nsearch: { enabled: false }\nsecurity: { enabled: false }\nseed: 3\noutput: ./out-${name}\n${extra}`);
  const r = deepline(['run', file], { home: join(dir, 'home'), cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  return join(dir, `out-${name}`);
}

describe('the monitoring reference and window checks', { timeout: 600_000 }, () => {
  const dir = tempDir('deepline-monitor-');
  const registries = createRegistries();
  let irisDir: string;
  let digitsDir: string;
  // Production traffic is data the run never saw: 700 of the 1,797 digits are held back from it.
  const digitLines = readFileSync(join(ROOT, 'examples/data/digits.csv'), 'utf8').trim().split('\n');
  const order = createSeededRandom(21).shuffle(Array.from({ length: digitLines.length - 1 }, (_, i) => i + 1));
  const heldBack = order.slice(0, 700).map((i) => digitLines[i]!);
  before(() => {
    writeFileSync(join(dir, 'digits.csv'), [digitLines[0], ...order.slice(700).map((i) => digitLines[i])].join('\n'));
    irisDir = train(dir, 'iris', `{ path: ${join(ROOT, 'examples/data/iris.csv')}, target: species }`, 'budget: { epochs: 60 }\n');
    digitsDir = train(dir, 'digits', `{ path: ${join(dir, 'digits.csv')}, target: digit, image: { width: 8, height: 8, channels: 1 } }`, 'task: image-classification\nbudget: { epochs: 12 }\n');
  });

  it('a table run keeps its raw training columns and its predictions; shifted traffic is flagged on the shifted column', () => {
    const reference = JSON.parse(readFileSync(join(irisDir, 'monitor-reference.json'), 'utf8')) as MonitorReference;
    assert.equal(reference.input, 'table');
    assert.deepEqual(Object.keys(reference.columns).sort(), ['petal_length', 'petal_width', 'sepal_length', 'sepal_width']);
    assert.equal(reference.columns.petal_length!.kind, 'numeric');
    assert.equal(reference.predictions.kind, 'categorical');
    assert.equal(reference.embedding, undefined);

    const rows = parse(readFileSync(join(ROOT, 'examples/data/iris.csv')), { columns: true, cast: true }) as Record<string, number | string>[];
    const random = createSeededRandom(11);
    const records = (shift: number): WindowRecord[] =>
      Array.from({ length: 120 }, () => {
        const { species, ...instance } = rows[random.int(rows.length)]!;
        return { instance: { ...instance, petal_length: (instance.petal_length as number) + shift }, prediction: { label: String(species) } };
      });
    const calm = checkWindow(reference, records(0), registries.driftDetectors);
    assert.equal(calm.check.drift, false, JSON.stringify(calm.check.features));
    const shifted = checkWindow(reference, records(1.5), registries.driftDetectors);
    assert.equal(shifted.check.drift, true);
    assert.equal(shifted.check.drifted[0], 'column:petal_length');
    assert.deepEqual(shifted.untested, []);
  });

  it('an image run keeps embeddings; rotated or noisy digits are flagged on them, unshifted ones are not (20 windows each)', async () => {
    const reference = JSON.parse(readFileSync(join(digitsDir, 'monitor-reference.json'), 'utf8')) as MonitorReference;
    assert.equal(reference.input, 'tensor');
    assert.ok(reference.embedding && reference.embedding.rows.length >= 100, 'embedding rows');
    const dim = reference.embedding.dim;
    assert.ok(dim > 1);

    const transform = parseTransform(JSON.parse(readFileSync(join(digitsDir, 'transform.json'), 'utf8')));
    const model = await loadModel(join(digitsDir, 'model'));
    const embed = embeddingModel(model)!;
    assert.equal(embed.outputs[0]!.shape.at(-1), dim, 'the reference was made with the same representation');
    const rows = parse([digitLines[0], ...heldBack].join('\n'), { columns: true, cast: true }) as Record<string, number>[];
    const images = rows.map((r) => Float32Array.from({ length: 64 }, (_, j) => r[`px${j}`]!));
    const random = createSeededRandom(5);
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());

    const window = (shiftImage: (x: Float32Array) => Float32Array): WindowRecord[] => {
      const picked = Array.from({ length: 100 }, () => shiftImage(images[random.int(images.length)]!));
      const x = new Float32Array(picked.length * 64);
      picked.forEach((p, k) => x.set(transformFeatures(transform, p), k * 64));
      const out = tf.tidy(() => embed.predict(tf.tensor(x, [picked.length, 8, 8, 1])) as tf.Tensor);
      const values = out.dataSync();
      out.dispose();
      return picked.map((_, k) => ({ embedding: [...values.subarray(k * dim, (k + 1) * dim)] }));
    };
    const flaggedShare = (shiftImage: (x: Float32Array) => Float32Array): number => {
      let flagged = 0;
      for (let w = 0; w < 20; w++) if (checkWindow(reference, window(shiftImage), registries.driftDetectors, { seed: w }).check.drift) flagged++;
      return flagged / 20;
    };
    const unshifted = flaggedShare((x) => x);
    const rotated = flaggedShare((x) => rotate(x, 8, (20 * Math.PI) / 180));
    const noisy = flaggedShare((x) => x.map((v) => Math.min(16, Math.max(0, v + 6 * normal()))));
    console.log(`image drift on embeddings (20 windows of 100): flagged unshifted ${unshifted * 100}%, rotated 20° ${rotated * 100}%, noise σ=6 (of 0..16) ${noisy * 100}%`);
    assert.ok(unshifted <= 0.1, `unshifted flagged ${unshifted}`);
    assert.ok(rotated >= 0.8, `rotated flagged ${rotated}`);
    assert.ok(noisy >= 0.8, `noisy flagged ${noisy}`);
    model.dispose();
  });
});

/** Rotates a square grey image about its centre (bilinear; outside the image reads as 0). */
function rotate(x: Float32Array, size: number, angle: number): Float32Array {
  const out = new Float32Array(size * size);
  const c = (size - 1) / 2;
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  const at = (r: number, q: number): number => (r >= 0 && r < size && q >= 0 && q < size ? x[r * size + q]! : 0);
  for (let r = 0; r < size; r++) {
    for (let q = 0; q < size; q++) {
      const sr = cos * (r - c) - sin * (q - c) + c;
      const sq = sin * (r - c) + cos * (q - c) + c;
      const r0 = Math.floor(sr);
      const q0 = Math.floor(sq);
      const [fr, fq] = [sr - r0, sq - q0];
      out[r * size + q] = (1 - fr) * ((1 - fq) * at(r0, q0) + fq * at(r0, q0 + 1)) + fr * ((1 - fq) * at(r0 + 1, q0) + fq * at(r0 + 1, q0 + 1));
    }
  }
  return out;
}

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { saveDataset, type Dataset } from '../../../src/data/dataset.ts';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';
import { DatasetCache } from '../../../src/search/executors/dataset-cache.ts';
import { runTrial } from '../../../src/search/executors/run-trial.ts';
import type { TrialJob, TrialProgress } from '../../../src/search/executors/trial-job.ts';
import { writeTinyDataset } from './fixtures/write-tiny-dataset.ts';
import { builtinFamilies } from '../../../src/testing/builtin-families.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'deepline-run-trial-'));
let data: { train: string; validation: string };
before(async () => {
  data = await writeTinyDataset(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const families = await builtinFamilies();
const job = (epochs: number): TrialJob => ({
  trialId: 1,
  genome: { family: 'mlp', hidden: [6], dropout: 0, batchNorm: false, activation: 'tanh' },
  training: { epochs, batchSize: 32, learningRate: 0.05, patience: epochs },
  data,
  seed: 5,
  engine: 'cpu',
});

test('the data-set cache loads a folder once and forgets a failed load', async () => {
  const cache = new DatasetCache();
  const first = await cache.get(data.train);
  assert.equal(await cache.get(data.train), first, 'the second trial gets the loaded object');
  assert.equal(first.n, 240);
  const missing = path.join(dir, 'missing');
  await assert.rejects(cache.get(missing));
  assert.equal(cache.has(missing), false);
});

test('the cache draws a stratified sample once per size and seed; a trial with a sample trains and is judged on it', { timeout: 20_000 }, async () => {
  const cache = new DatasetCache();
  const all = await cache.get(data.train);
  const sample = await cache.get(data.train, { examples: 60, seed: 3 });
  assert.equal(sample.n, 60);
  assert.equal(await cache.get(data.train, { examples: 60, seed: 3 }), sample, 'kept for the next trial');
  const share = (ds: typeof all, c: number) => Array.from(ds.y).filter((y) => y === c).length / ds.n;
  assert.ok(Math.abs(share(sample, 0) - share(all, 0)) <= 1 / 60, 'each class keeps its share');
  assert.equal(await cache.get(data.train, { examples: 1_000, seed: 3 }), all, 'a sample of more than there is: all of it');

  const datasets = new DatasetCache();
  const sampled = { ...job(2), sample: { train: 60, validation: 20, seed: 3 } };
  const result = await runTrial(sampled, { datasets, families, signal: new AbortController().signal, onProgress: () => undefined });
  assert.equal(result.state, 'complete', result.error);
  assert.ok(datasets.has(data.train, { examples: 60, seed: 3 }) && datasets.has(data.validation, { examples: 20, seed: 3 }), 'the trial drew both samples');
  const error = result.objectives!.error;
  assert.ok(Math.abs(error * 20 - Math.round(error * 20)) < 1e-6, `an error of k/20 on the 20 judged examples: ${error}`);
});

test('an abort after epoch 2 stops the trial with the objectives of that epoch', { timeout: 20_000 }, async () => {
  const controller = new AbortController();
  const seen: TrialProgress[] = [];
  const result = await runTrial(job(100), {
    datasets: new DatasetCache(),
    families,
    signal: controller.signal,
    onProgress(p) {
      seen.push(p);
      if (p.epoch === 2) controller.abort();
    },
  });
  assert.equal(result.state, 'stopped');
  assert.equal(result.epochs, 2);
  assert.deepEqual(seen.map((p) => p.epoch), [1, 2]);
  assert.deepEqual(result.values, seen[1].values);
  assert.equal(result.objectives!.params, 4 * 6 + 6 + 6 * 2 + 2);
});

test('the same job gives the same validation error twice (seeded), and an abort before the start gives 0 epochs', { timeout: 20_000 }, async () => {
  const datasets = new DatasetCache();
  const run = () => runTrial(job(3), { datasets, families, signal: new AbortController().signal, onProgress: () => undefined });
  const [a, b] = [await run(), await run()];
  assert.equal(a.state, 'complete', a.error);
  assert.equal(a.objectives!.error, b.objectives!.error);
  const aborted = await runTrial(job(3), { datasets, families, signal: AbortSignal.abort(), onProgress: () => assert.fail('no epoch may run') });
  assert.deepEqual([aborted.state, aborted.epochs, aborted.values], ['stopped', 0, undefined]);
});

test('a trial trains with the task augmentation, seeded, on 2-D images as on 3-D ones', { timeout: 30_000 }, async () => {
  const rng = createSeededRandom(11);
  // 8x8 images, class = whether the bright bar is in the left half: a horizontal flip moves it.
  const images = (n: number): Dataset => {
    const x = new Float32Array(n * 64);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const column = Math.floor(rng.next() * 8);
      for (let r = 0; r < 8; r++) x[i * 64 + r * 8 + column] = 1;
      y[i] = column < 4 ? 1 : 0;
    }
    return { n, featureShape: [8, 8], x, y, target: { kind: 'class', name: 'left', classes: ['no', 'yes'] } };
  };
  const images2d = { train: path.join(dir, 'img-train'), validation: path.join(dir, 'img-validation') };
  await saveDataset(images2d.train, images(64));
  await saveDataset(images2d.validation, images(32));
  const imageJob = (augment?: TrialJob['augment']): TrialJob => ({
    ...job(2),
    genome: { family: 'cnn', blocks: [{ filters: 4, kernelSize: 3, pool: 'max', batchNorm: false }], dense: [], dropout: 0, globalPool: 'none' },
    data: images2d,
    ...(augment ? { augment } : {}),
  });
  const flip = { flip: 'horizontal' as const, shift: 0, rotate: 0, crop: 0, noise: 0, tokenDropout: 0 };
  const datasets = new DatasetCache();
  const run = async (augment?: TrialJob['augment']): Promise<number[]> => {
    const values: number[] = [];
    const result = await runTrial(imageJob(augment), { datasets, families, signal: new AbortController().signal, onProgress: (p) => values.push(p.values[0]) });
    assert.equal(result.state, 'complete', result.error);
    return values;
  };
  const [plain, flipped, again] = [await run(), await run(flip), await run(flip)];
  assert.notDeepEqual(flipped, plain, 'flipping half the batches changes what is learnt');
  assert.deepEqual(again, flipped, 'the augmentation is seeded');
});

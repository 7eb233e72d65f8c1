import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDataset, saveDataset } from '../../src/data/dataset.ts';
import { inverseTarget, parseTransform } from '../../src/data/normalizer.ts';
import type { DataSource } from '../../src/data/readers/data-reader.ts';
import { sourceFingerprint } from '../../src/data/source-fingerprint.ts';
import type { SplitSummary } from '../../src/data/split.ts';
import { ingestStep, type IngestSummary } from '../../src/data/steps/ingest-step.ts';
import { normalizeStep } from '../../src/data/steps/normalize-step.ts';
import { splitStep } from '../../src/data/steps/split-step.ts';
import { createTestStepContext } from '../../src/testing/step-context.ts';
import type { StepContext, StepProgress } from '../../src/pipeline/step.ts';
import type { ArtifactStore } from '../../src/store/artifacts/artifact-store.ts';
import { FsArtifactStore } from '../../src/store/artifacts/fs-artifact-store.ts';
import { EXAMPLE_DATA } from './fixtures/example-data.ts';
import { withTempDir } from './fixtures/temp-dir.ts';

/** A real, minimal step context: a file-system artifact store and a fresh scratch folder per call. */
function contextFor(root: string, store: ArtifactStore, stepName: string, progress: StepProgress[] = []): Promise<StepContext> {
  return createTestStepContext({ root, artifacts: store, stepName, onProgress: (p) => progress.push(p) });
}

async function ingest(root: string, store: ArtifactStore, source: DataSource, progress?: StepProgress[]) {
  const step = ingestStep({ source, fingerprint: await sourceFingerprint(source.path) });
  const outputs = await step.run(await contextFor(root, store, step.name, progress), {});
  return { step, outputs, summary: await store.readJson<IngestSummary>(outputs.summary) };
}

const DIGITS_SOURCE: DataSource = {
  path: join(EXAMPLE_DATA, 'digits.csv'),
  format: 'csv',
  target: 'digit',
  taskKind: 'classification',
  image: { width: 8, height: 8, channels: 1 },
};

describe('data steps', { timeout: 60_000 }, () => {
  it('ingest → split → normalize on digits.csv', () =>
    withTempDir(async (root) => {
      const store = new FsArtifactStore(join(root, 'artifacts'));
      const { step, outputs, summary } = await ingest(root, store, DIGITS_SOURCE);
      assert.equal(step.name, 'ingest');
      assert.equal(summary.rows, 1797);
      assert.equal(summary.testRows, 0);
      assert.deepEqual(summary.featureShape, [8, 8, 1]);
      assert.equal(summary.classes?.length, 10);
      assert.equal(summary.classes?.reduce((a, c) => a + c.count, 0), 1797);
      assert.match(summary.dataVersion, /^[0-9a-f]{64}$/);
      const dataset = await loadDataset(await store.localPath(outputs.dataset));
      assert.equal(dataset.n, 1797);
      assert.equal(dataset.dataVersion, summary.dataVersion);
      assert.equal((await loadDataset(await store.localPath(outputs.test))).n, 0);

      const split = splitStep({ fractions: { train: 0.7, validation: 0.15, test: 0.15 } });
      assert.deepEqual(split.inputs, { dataset: 'ingest.dataset', test: 'ingest.test' });
      const parts = await split.run(await contextFor(root, store, split.name), { dataset: outputs.dataset, test: outputs.test });
      const splitSummary = await store.readJson<SplitSummary>(parts.splitSummary);
      assert.equal(splitSummary.testSource, 'split');
      assert.equal(splitSummary.counts.train + splitSummary.counts.validation + splitSummary.counts.test, 1797);
      const trainSet = await loadDataset(await store.localPath(parts.train));
      assert.equal(trainSet.n, splitSummary.counts.train);
      assert.equal(trainSet.dataVersion, summary.dataVersion, 'the data version follows the examples through the split');
      const again = await split.run(await contextFor(root, store, split.name), { dataset: outputs.dataset, test: outputs.test });
      assert.equal(again.validation.hash, parts.validation.hash, 'the same seed must give the same split');

      const normalize = normalizeStep();
      const normalized = await normalize.run(await contextFor(root, store, normalize.name), { train: parts.train, validation: parts.validation, test: parts.test });
      const transform = parseTransform(await store.readJson(normalized.transform));
      assert.equal(transform.kind, 'image-standardize');
      const normTrain = await loadDataset(await store.localPath(normalized.train));
      let sum = 0;
      for (const v of normTrain.x) sum += v;
      assert.ok(Math.abs(sum / normTrain.x.length) < 1e-4, 'the normalised training pixels have mean 0');

      // The transform must not move when only the validation data changes.
      const validation = await loadDataset(await store.localPath(parts.validation));
      const altered = join(root, 'altered');
      await saveDataset(altered, { ...validation, x: validation.x.map((v) => 16 - v) });
      const alteredRef = await store.putDir(altered);
      assert.notEqual(alteredRef.hash, parts.validation.hash);
      const rerun = await normalize.run(await contextFor(root, store, normalize.name), { train: parts.train, validation: alteredRef, test: parts.test });
      assert.equal(rerun.transform.hash, normalized.transform.hash);
      assert.equal(rerun.train.hash, normalized.train.hash);
      assert.notEqual(rerun.validation.hash, normalized.validation.hash);
    }));

  it('standardises a regression target that inverseTarget maps back (diabetes.csv)', () =>
    withTempDir(async (root) => {
      const store = new FsArtifactStore(join(root, 'artifacts'));
      const { outputs, summary } = await ingest(root, store, { path: join(EXAMPLE_DATA, 'diabetes.csv'), format: 'csv', target: 'progression', taskKind: 'regression' });
      assert.equal(summary.classes, undefined);
      assert.ok(summary.targetRange && summary.targetRange.min >= 25 && summary.targetRange.max <= 346, JSON.stringify(summary.targetRange));
      const split = splitStep({ fractions: { train: 0.8, validation: 0.2, test: 0 } });
      const parts = await split.run(await contextFor(root, store, split.name), { dataset: outputs.dataset, test: outputs.test });
      const normalize = normalizeStep();
      const normalized = await normalize.run(await contextFor(root, store, normalize.name), { train: parts.train, validation: parts.validation, test: parts.test });
      const transform = parseTransform(await store.readJson(normalized.transform));
      assert.equal(transform.kind, 'tabular-standardize');
      assert.ok(transform.target && transform.target.std > 10);
      const raw = await loadDataset(await store.localPath(parts.validation));
      const scaled = await loadDataset(await store.localPath(normalized.validation));
      assert.equal(scaled.n, 88); // 442 x 0.2 = 88.4
      assert.equal((await loadDataset(await store.localPath(normalized.test))).n, 0);
      inverseTarget(transform, scaled.y).forEach((v, i) => assert.ok(Math.abs(v - raw.y[i]) < 1e-3, `${v} vs ${raw.y[i]}`));
    }));

  it('records the content hash as dataVersion and a size/time fingerprint in the params', () =>
    withTempDir(async (root) => {
      const store = new FsArtifactStore(join(root, 'artifacts'));
      const copy = join(root, 'iris-copy.csv');
      await copyFile(join(EXAMPLE_DATA, 'iris.csv'), copy);
      const source: DataSource = { path: join(EXAMPLE_DATA, 'iris.csv'), format: 'auto', target: 'species', taskKind: 'classification' };
      const original = await ingest(root, store, source);
      const copied = await ingest(root, store, { ...source, path: copy });
      assert.equal(copied.summary.format, 'csv');
      assert.equal(copied.summary.dataVersion, original.summary.dataVersion, 'same bytes, same data version');
      const text = await readFile(copy, 'utf8');
      await writeFile(copy, text.replace('5.1,3.5', '5.2,3.5'));
      const edited = await ingest(root, store, { ...source, path: copy });
      assert.notEqual(edited.summary.dataVersion, original.summary.dataVersion);
      assert.notEqual(edited.step.params.fingerprint, copied.step.params.fingerprint, 'an edited file must change the cache key');
    }));

  it('passes a predefined IDX test set through the split', () =>
    withTempDir(async (root) => {
      const dir = join(root, 'idx');
      await mkdir(dir);
      const idx = (dims: number[], values: number[]): Buffer => {
        const header = Buffer.alloc(4 + 4 * dims.length);
        header.writeUInt32BE(0x0800 + dims.length, 0);
        dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
        return Buffer.concat([header, Buffer.from(values)]);
      };
      const n = 40;
      await writeFile(join(dir, 'train-images-idx3-ubyte'), idx([n, 2, 2], Array.from({ length: n * 4 }, (_, i) => i % 256)));
      await writeFile(join(dir, 'train-labels-idx1-ubyte'), idx([n], Array.from({ length: n }, (_, i) => i % 2)));
      await writeFile(join(dir, 't10k-images-idx3-ubyte'), idx([6, 2, 2], new Array(24).fill(7)));
      await writeFile(join(dir, 't10k-labels-idx1-ubyte'), idx([6], [0, 1, 0, 1, 0, 1]));
      const store = new FsArtifactStore(join(root, 'artifacts'));
      const progress: StepProgress[] = [];
      const { outputs, summary } = await ingest(root, store, { path: dir, format: 'idx', taskKind: 'classification' }, progress);
      assert.equal(summary.testRows, 6);
      assert.deepEqual(progress.at(-1), { done: 4, total: 4, unit: 'file' });
      const split = splitStep({ fractions: { train: 0.6, validation: 0.2, test: 0.2 } });
      const parts = await split.run(await contextFor(root, store, split.name), { dataset: outputs.dataset, test: outputs.test });
      assert.equal(parts.test.hash, outputs.test.hash, 'the predefined test set is passed through unchanged');
      const splitSummary = await store.readJson<SplitSummary>(parts.splitSummary);
      assert.deepEqual([splitSummary.counts.train, splitSummary.counts.validation, splitSummary.counts.test], [30, 10, 6]);
    }));

  it('reports image progress while ingesting an image folder', () =>
    withTempDir(async (root) => {
      const store = new FsArtifactStore(join(root, 'artifacts'));
      const progress: StepProgress[] = [];
      const { summary } = await ingest(root, store, { path: join(EXAMPLE_DATA, 'digits-images'), format: 'image-folder', taskKind: 'classification', limit: 100 }, progress);
      assert.equal(summary.rows, 100);
      assert.ok(progress.length >= 10);
      assert.deepEqual(progress.at(-1), { done: 100, total: 100, unit: 'image' });
    }));
});

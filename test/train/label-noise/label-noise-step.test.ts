import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDataset, saveDataset, type Dataset } from '../../../src/data/dataset.ts';
import type { LabelNoiseReport } from '../../../src/data/label-noise/label-noise-report.ts';
import { labelNoiseStep } from '../../../src/train/steps/label-noise-step.ts';
import { createTestStepContext } from '../../../src/testing/step-context.ts';
import type { StepContext, StepProgress } from '../../../src/pipeline/step.ts';
import { FsArtifactStore } from '../../../src/store/artifacts/fs-artifact-store.ts';
import { blobs, linear } from '../synthetic-data.ts';
import { withTempDir } from '../../data/fixtures/temp-dir.ts';
import { flipLabels } from './flip-labels.ts';

function contextFor(root: string, store: FsArtifactStore, progress: StepProgress[] = []): Promise<StepContext> {
  return createTestStepContext({ root, artifacts: store, stepName: 'label-noise', onProgress: (p) => progress.push(p) });
}

async function stored(root: string, store: FsArtifactStore, ds: Dataset) {
  const dir = await mkdtemp(join(root, 'in-'));
  await saveDataset(dir, ds);
  return store.putDir(dir);
}

/** Four well-separated classes with source rows 101.., and 8% of labels flipped. */
function noisyBlobs(): { dataset: Dataset; flipped: Set<number> } {
  const clean = blobs(400, 4, 4, 3, 5);
  return flipLabels({ ...clean, sourceRows: Int32Array.from({ length: clean.n }, (_, i) => 101 + i) }, 0.08, 9);
}

describe('labelNoiseStep', { timeout: 60_000 }, () => {
  it('flag: reports suspects with source rows and passes train through unchanged', () =>
    withTempDir(async (root) => {
      const store = new FsArtifactStore(join(root, 'artifacts'));
      const { dataset, flipped } = noisyBlobs();
      const input = await stored(root, store, dataset);
      const step = labelNoiseStep();
      assert.equal(step.name, 'label-noise');
      assert.deepEqual(step.inputs, { train: 'split.train' });
      assert.deepEqual(labelNoiseStep({}, { from: 'clean' }).inputs, { train: 'clean.train' });
      const progress: StepProgress[] = [];
      const out = await step.run(await contextFor(root, store, progress), { train: input });
      assert.equal(out.train.hash, input.hash);
      const report = await store.readJson<LabelNoiseReport>(out.labelNoise);
      assert.equal(report.action, 'flag');
      assert.equal(report.examined, 400);
      assert.equal(report.dropped, 0);
      assert.equal(report.flagged, report.suspects.length);
      assert.equal(report.classes.reduce((a, c) => a + c.flagged, 0), report.flagged);
      assert.equal(report.classes.reduce((a, c) => a + c.count, 0), 400);
      const hits = report.suspects.filter((s) => flipped.has(s.index)).length;
      assert.ok(hits >= 0.8 * flipped.size && hits >= 0.5 * report.flagged, `${hits} hits of ${report.flagged} flagged, ${flipped.size} flipped`);
      for (const s of report.suspects) {
        assert.equal(s.sourceRow, 101 + s.index);
        assert.equal(s.given, `c${dataset.y[s.index]}`);
        assert.notEqual(s.predicted, s.given);
      }
      assert.deepEqual(progress.at(-1), { done: 5, total: 5, unit: 'fold' });
    }));

  it('drop: removes exactly the suspects, keeping their neighbours and source rows', () =>
    withTempDir(async (root) => {
      const store = new FsArtifactStore(join(root, 'artifacts'));
      const { dataset } = noisyBlobs();
      const input = await stored(root, store, dataset);
      const out = await labelNoiseStep({ action: 'drop' }).run(await contextFor(root, store), { train: input });
      const report = await store.readJson<LabelNoiseReport>(out.labelNoise);
      const kept = await loadDataset(await store.localPath(out.train));
      assert.ok(report.dropped > 0);
      assert.equal(report.dropped, report.flagged);
      assert.equal(kept.n, dataset.n - report.dropped);
      const droppedRows = new Set(report.suspects.map((s) => s.sourceRow));
      const keptRows = new Set(kept.sourceRows);
      for (const row of droppedRows) assert.ok(!keptRows.has(row!));
      assert.equal(keptRows.size + droppedRows.size, dataset.n);
      // Each kept example is the original one, features and label alike.
      const i = kept.sourceRows![10] - 101;
      assert.deepEqual(Array.from(kept.x.subarray(40, 44)), Array.from(dataset.x.subarray(i * 4, i * 4 + 4)));
      assert.equal(kept.y[10], dataset.y[i]);
    }));

  it('skips a numeric target or missing feature values, passing the data through', () =>
    withTempDir(async (root) => {
      const store = new FsArtifactStore(join(root, 'artifacts'));
      const input = await stored(root, store, linear(50, 1));
      const out = await labelNoiseStep({ action: 'drop' }).run(await contextFor(root, store), { train: input });
      assert.equal(out.train.hash, input.hash);
      const report = await store.readJson<LabelNoiseReport>(out.labelNoise);
      assert.equal(report.skipped, 'the target is numeric');
      assert.equal(report.flagged, 0);
      const holes = blobs(50, 4, 2, 1);
      holes.x[7] = NaN;
      const withHoles = await stored(root, store, holes);
      const skipped = await labelNoiseStep().run(await contextFor(root, store), { train: withHoles });
      assert.equal(skipped.train.hash, withHoles.hash);
      assert.match((await store.readJson<LabelNoiseReport>(skipped.labelNoise)).skipped!, /missing or infinite/);
    }));
});

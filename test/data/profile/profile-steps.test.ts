import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { saveDataset, type Dataset } from '../../../src/data/dataset.ts';
import type { ImageProfile, TableProfile } from '../../../src/data/profile/data-profile.ts';
import type { DataSchema } from '../../../src/data/schema/data-schema.ts';
import { profileStep } from '../../../src/data/steps/profile-step.ts';
import { schemaStep } from '../../../src/data/steps/schema-step.ts';
import { saveTable } from '../../../src/data/table.ts';
import { DeeplineError } from '../../../src/errors/index.ts';
import { createTestStepContext } from '../../../src/testing/step-context.ts';
import type { StepContext } from '../../../src/pipeline/step.ts';
import type { ArtifactStore } from '../../../src/store/artifacts/artifact-store.ts';
import { FsArtifactStore } from '../../../src/store/artifacts/fs-artifact-store.ts';
import { withTempDir } from '../fixtures/temp-dir.ts';
import { makeTable } from './make-table.ts';

function contextFor(root: string, store: ArtifactStore, stepName: string): Promise<StepContext> {
  return createTestStepContext({ root, artifacts: store, stepName, seed: 7 });
}

const table = makeTable('species', {
  petal: { type: 'numeric', values: [1.4, 1.3, 4.7, 4.5, 6.0, 5.9] },
  soil: { type: 'categorical', values: ['clay', 'sand', 'clay', 'loam', 'sand', 'sand'] },
  species: { type: 'categorical', values: ['setosa', 'setosa', 'versicolor', 'versicolor', 'virginica', 'virginica'] },
});

const images: Dataset = {
  n: 6,
  featureShape: [3, 3, 1],
  x: Float32Array.from({ length: 54 }, (_, i) => (i * 37) % 256),
  y: Float32Array.from([0, 1, 0, 1, 0, 1]),
  target: { kind: 'class', name: 'label', classes: ['a', 'b'] },
};

describe('profile and schema steps', { timeout: 30_000 }, () => {
  it('profile a table artifact, told apart from a data set by its meta.json', () =>
    withTempDir(async (root) => {
      const store = new FsArtifactStore(join(root, 'artifacts'));
      await saveTable(join(root, 'table'), table);
      const data = await store.putDir(join(root, 'table'));
      const step = profileStep({}, { input: 'ingest.table' });
      assert.deepEqual(step.inputs, { data: 'ingest.table' });
      const out = await step.run(await contextFor(root, store, step.name), { data });
      const profile = await store.readJson<TableProfile>(out.profile);
      assert.equal(profile.kind, 'table');
      assert.equal(profile.rows, 6);
      assert.equal(profile.target.kind, 'class');
      assert.equal(profile.columns[0].association?.measure, 'eta');

      const schema = schemaStep();
      assert.deepEqual(schema.inputs, { data: 'ingest.dataset' });
      const s = await store.readJson<DataSchema>((await schema.run(await contextFor(root, store, schema.name), { data })).schema);
      assert.equal(s.kind, 'data-schema');
      assert.deepEqual(s.columns.find((c) => c.name === 'soil')?.domain, ['clay', 'sand', 'loam']);
    }));

  it('profile an image data set with example strips, the same each time', () =>
    withTempDir(async (root) => {
      const store = new FsArtifactStore(join(root, 'artifacts'));
      await saveDataset(join(root, 'ds'), images);
      const data = await store.putDir(join(root, 'ds'));
      const step = profileStep({ samplesPerClass: 2 });
      const out = await step.run(await contextFor(root, store, step.name), { data });
      const profile = await store.readJson<ImageProfile>(out.profile);
      assert.equal(profile.kind, 'images');
      assert.equal(profile.samples.length, 2);
      assert.equal(profile.samples[0].indices.length, 2);
      assert.match(profile.samples[0].png ?? '', /^data:image\/png;base64,/);
      const again = await step.run(await contextFor(root, store, step.name), { data });
      assert.equal(again.profile.hash, out.profile.hash, 'same seed, same artifact');

      const schema = schemaStep();
      await assert.rejects(schema.run(await contextFor(root, store, schema.name), { data }), (e: unknown) => e instanceof DeeplineError && e.code === 'DL_PIPELINE');
    }));

  it('profile a tabular data set as a table', () =>
    withTempDir(async (root) => {
      const store = new FsArtifactStore(join(root, 'artifacts'));
      const ds: Dataset = {
        n: 4,
        featureShape: [2],
        x: Float32Array.from([1, 10, 2, 20, 3, 30, 4, 40]),
        y: Float32Array.from([0, 0, 1, 1]),
        target: { kind: 'class', name: 'y', classes: ['lo', 'hi'] },
        featureNames: ['a', 'b'],
      };
      await saveDataset(join(root, 'ds'), ds);
      const data = await store.putDir(join(root, 'ds'));
      const step = profileStep();
      const profile = await store.readJson<TableProfile>((await step.run(await contextFor(root, store, step.name), { data })).profile);
      assert.deepEqual(profile.columns.map((c) => c.name), ['a', 'b', 'y']);
      assert.equal(profile.target.kind, 'class');
      if (profile.target.kind === 'class') assert.deepEqual(profile.target.classes.map((c) => c.count), [2, 2]);
    }));
});

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getDataset, putDataset } from '../../../src/data/steps/dataset-artifact.ts';
import type { StepContext } from '../../../src/pipeline/step.ts';
import type { StudySummary } from '../../../src/search/study-summary.ts';
import { searchStep, type SearchParams } from '../../../src/search/steps/search-step.ts';
import { taskMetaFeatures } from '../../../src/search/warm-start/task-meta-features.ts';
import type { ArtifactRef } from '../../../src/store/artifacts/artifact-store.ts';
import { FsArtifactStore } from '../../../src/store/artifacts/fs-artifact-store.ts';
import { createTestStepContext } from '../../../src/testing/step-context.ts';
import { blobs } from '../../train/synthetic-data.ts';

let root: string;
let store: FsArtifactStore;
let ctx: StepContext;
let inputs: Record<'train' | 'validation' | 'balance', ArtifactRef>;

const BASE: SearchParams = {
  family: 'auto',
  sampler: 'tpe',
  scheduler: 'asha',
  prefer: 'accuracy',
  space: { epochs: { low: 3, high: 6 }, batchSize: 32 },
  trials: 3,
  workers: 1,
  patience: 3,
  constraints: {},
  engine: 'wasm',
  defaultTraining: { learningRate: 0.01, batchSize: 32, epochs: 5 },
};
const WIRING = { inputs: { train: 'balance.train', validation: 'split.validation', balance: 'balance.balance' } };
/** A past task's best configuration, partial and partly out of range: adapted, then tried first. */
const PAST_BEST = { depth: 1, 'layer1.units': 9, activation: 'tanh', learningRate: 0.005, epochs: 40, optimizer: 'nadam-unknown' };
/** Its second best: a learning rate too low to look good after the first rung's epochs. */
const PAST_SECOND = { depth: 1, 'layer1.units': 12, activation: 'tanh', learningRate: 0.0001, epochs: 6 };

describe('search step with the warm start', { timeout: 240_000 }, () => {
  before(async () => {
    process.env.DEEPLINE_PRIOR = 'none';
    root = await mkdtemp(join(tmpdir(), 'deepline-warm-start-step-'));
    store = new FsArtifactStore(join(root, 'artifacts'));
    ctx = await createTestStepContext({ root, artifacts: store, stepName: 'search' });
    inputs = {
      train: await putDataset(ctx, 'train', blobs(150, 4, 3, 1)),
      validation: await putDataset(ctx, 'validation', blobs(60, 4, 3, 2)),
      balance: await store.putJson({ applied: 'none' }),
    };
  });
  after(async () => {
    delete process.env.DEEPLINE_PRIOR;
    await ctx.deepline.close();
    await rm(root, { recursive: true, force: true });
  });

  it('seeds the first trials from the nearest past task and runs them to the end, then the default model, says so in the summary, and records the study', async () => {
    const metaFeatures = await taskMetaFeatures(await getDataset(ctx, inputs.train), await getDataset(ctx, inputs.validation), ctx.seed);
    const priors = ctx.deepline.priors();
    await priors.put({ name: 'past-blobs', label: 'past blobs', family: 'mlp', metaFeatures, errorName: '1 - accuracy', configs: [{ params: PAST_BEST, error: 0.05 }, { params: PAST_SECOND, error: 0.06 }] });
    // Another family's task, at distance 0 too, is never a neighbour of an MLP search.
    await priors.put({ name: 'past-cnn', label: 'cnn', family: 'cnn', metaFeatures, errorName: '1 - accuracy', configs: [{ params: { filters: 8 }, error: 0.01 }] });

    const out = await searchStep({ ...BASE, warmStartPrior: { neighbours: 3, portfolio: 3 }, warmStartLabel: 'blobs' }, WIRING).run(ctx, inputs);
    const study = await store.readJson<StudySummary>(out.study);
    const first = study.trials[0].params;
    // Unknown values fall back to the default's (optimizer), out-of-range ones are clipped (epochs ≤ 6).
    assert.deepEqual(
      { depth: first.depth, units: first['layer1.units'], activation: first.activation, learningRate: first.learningRate, epochs: first.epochs, optimizer: first.optimizer, batchSize: first.batchSize },
      { depth: 1, units: 9, activation: 'tanh', learningRate: 0.005, epochs: 6, optimizer: 'adam', batchSize: 32 },
    );
    assert.deepEqual({ learningRate: study.trials[1].params.learningRate, units: study.trials[1].params['layer1.units'] }, { learningRate: 0.0001, units: 12 });
    // ASHA would stop the slow starter at its first rung; the portfolio's trials run to the end.
    assert.deepEqual(study.trials.slice(0, 2).map((t) => t.state), ['complete', 'complete']);
    // Then the family's default model, as a cold search starts.
    assert.deepEqual({ learningRate: study.trials[2].params.learningRate, epochs: study.trials[2].params.epochs }, { learningRate: 0.01, epochs: 5 });
    assert.deepEqual(study.warmStart?.neighbours.map((n) => [n.name, n.label, n.source, n.distance, n.bestError]), [['past-blobs', 'past blobs', 'workspace', 0, 0.05]]);
    assert.deepEqual(study.warmStart?.seededTrials, [0, 1]);
    assert.equal(study.warmStart?.priorConfigs, 2);
    assert.deepEqual(study.warmStart?.metaFeatures, metaFeatures);

    const recorded = await priors.get(study.name);
    assert.ok(recorded, 'the finished study is in the prior store');
    assert.equal(recorded.label, 'blobs');
    const complete = study.trials.filter((t) => t.state === 'complete').map((t) => t.values![0]).sort((a, b) => a - b);
    assert.deepEqual(recorded.configs.map((c) => c.error), complete.slice(0, recorded.configs.length));
  });

  it('with the prior off, starts from the default model and still records the task', async () => {
    const out = await searchStep({ ...BASE, trials: 2, warmStartLabel: 'blobs-cold' }, WIRING).run(ctx, inputs);
    const study = await store.readJson<StudySummary>(out.study);
    assert.deepEqual({ learningRate: study.trials[0].params.learningRate, epochs: study.trials[0].params.epochs }, { learningRate: 0.01, epochs: 5 });
    assert.equal(study.warmStart?.enabled, false);
    assert.deepEqual(study.warmStart?.neighbours, []);
    assert.equal((await ctx.deepline.priors().get(study.name))?.label, 'blobs-cold');
  });
});

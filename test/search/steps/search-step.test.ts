import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDefaultContext } from '../../../src/context/deepline-context.ts';
import { putDataset } from '../../../src/data/steps/dataset-artifact.ts';
import { isDeeplineError } from '../../../src/errors/index.ts';
import type { StepContext, StepProgress } from '../../../src/pipeline/step.ts';
import type { StudySummary } from '../../../src/search/study-summary.ts';
import { studyOverview } from '../../../src/search/report/study-overview.ts';
import { searchStep, type SearchParams } from '../../../src/search/steps/search-step.ts';
import type { ArtifactRef } from '../../../src/store/artifacts/artifact-store.ts';
import { FsArtifactStore } from '../../../src/store/artifacts/fs-artifact-store.ts';
import { createTestStepContext } from '../../../src/testing/step-context.ts';
import { createRunBudget } from '../../../src/pipeline/run-budget.ts';
import { blobs } from '../../train/synthetic-data.ts';

let root: string;
let store: FsArtifactStore;
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

function context(progress: StepProgress[] = []): Promise<StepContext> {
  return createTestStepContext({ root, artifacts: store, stepName: 'search', onProgress: (p) => progress.push(p) });
}

describe('search step', { timeout: 180_000 }, () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'deepline-search-step-'));
    store = new FsArtifactStore(join(root, 'artifacts'));
    const ctx = await context();
    inputs = {
      train: await putDataset(ctx, 'train', blobs(150, 4, 3, 1)),
      validation: await putDataset(ctx, 'validation', blobs(60, 4, 3, 2)),
      balance: await store.putJson({ applied: 'none' }),
    };
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('runs the trial budget, tries the default model first, and a rerun resumes the study without new trials', async () => {
    const step = searchStep(BASE, { inputs: { train: 'balance.train', validation: 'split.validation', balance: 'balance.balance' } });
    const progress: StepProgress[] = [];
    const out = await step.run(await context(progress), inputs);
    const study = await store.readJson<StudySummary>(out.study);
    assert.equal(study.trials.length, 3);
    assert.equal(study.family, 'mlp');
    // The default mlp with the task's training settings (fixed batch size from the override).
    assert.deepEqual(
      { optimizer: study.trials[0].params.optimizer, learningRate: study.trials[0].params.learningRate, epochs: study.trials[0].params.epochs },
      { optimizer: 'adam', learningRate: 0.01, epochs: 5 },
    );
    for (const t of study.trials) {
      assert.equal(t.params.batchSize, 32, 'the override fixed the batch size');
      assert.ok((t.params.epochs as number) >= 3 && (t.params.epochs as number) <= 6, 'the override bounded the epochs');
    }
    assert.ok(study.best, 'a model was chosen');
    const best = study.trials.find((t) => t.id === study.best!.trialId)!;
    assert.ok(study.trials.every((t) => t.state !== 'complete' || t.values![0] >= best.values![0]), 'the chosen trial has the lowest error');
    const training = await store.readJson<{ epochs: number; learningRate: number }>(out.training);
    // The best epoch, or the space's most (6) when the trial was still improving at its end.
    const improving = study.best.bestEpoch === best.curve.at(-1)!.epoch;
    assert.equal(training.epochs, improving ? 6 : study.best.bestEpoch);
    assert.equal(study.best.refitEpochs, training.epochs);
    assert.equal(training.learningRate, best.params.learningRate);
    assert.deepEqual(await store.readJson(out.genome), study.best.genome);
    assert.deepEqual(progress.at(-1), { ...progress.at(-1), done: 3, total: 3, unit: 'trial' });

    // Same inputs, params and seed: the same study, already complete, so no trial runs again.
    const again = await step.run(await context(), inputs);
    const resumed = await store.readJson<StudySummary>(again.study);
    assert.equal(resumed.name, study.name);
    assert.deepEqual(resumed.trials.map((t) => [t.id, t.state, t.values]), study.trials.map((t) => [t.id, t.state, t.values]));
  });

  it('a search cancelled while its workers boot records no trial, and a rerun runs its whole budget', async () => {
    // Workers that take 1.5 s to load their plugin: the cancel lands while they boot.
    const slow = join(root, 'slow-plugin.mjs');
    await writeFile(slow, 'export async function register() { await new Promise((r) => setTimeout(r, 1500)); }\n');
    const home = join(root, 'cancelled-home');
    const deepline = await createDefaultContext({ home, plugins: [slow] });
    const step = searchStep({ ...BASE, workers: 2, trials: 2 }, { inputs: { train: 'balance.train', validation: 'split.validation', balance: 'balance.balance' } });
    try {
      const cancel = new AbortController();
      // The step reports its workers just before it waits for them.
      const ctx = await createTestStepContext({ root, artifacts: store, stepName: 'search', context: deepline, signal: cancel.signal, onProgress: (p) => p.message?.endsWith('workers') && cancel.abort() });
      await assert.rejects(step.run(ctx, inputs), /the search was cancelled/);
      assert.ok(cancel.signal.aborted);
      const out = await step.run(await createTestStepContext({ root, artifacts: store, stepName: 'search', context: deepline }), inputs);
      const study = await store.readJson<StudySummary>(out.study);
      // Both trials of the budget ran (ASHA may stop the second); none is a failure left by the cancel.
      assert.equal(study.trials.length, 2);
      assert.ok(study.trials.every((t) => t.state === 'complete' || t.state === 'pruned'), study.trials.map((t) => `${t.state} ${t.error ?? ''}`).join('; '));
    } finally {
      await deepline.close();
    }
  });

  it('search.trialExamples: trials train on a sample, and the summary and its headline say so', async () => {
    const step = searchStep({ ...BASE, trials: 2, trialExamples: 60 });
    const out = await step.run(await context(), inputs);
    const study = await store.readJson<StudySummary>(out.study);
    assert.deepEqual({ ...study.trialData, reason: undefined }, { train: 60, validation: 60, of: { train: 150, validation: 60 }, reason: undefined });
    assert.match(study.trialData!.reason, /each trial trains on 60 of 150 training examples/);
    assert.match(studyOverview(study).headline, /, trials on 60 of 150 training examples, best trial/);
    assert.ok(study.trials.some((t) => t.state === 'complete'));
    const plain = await store.readJson<StudySummary>((await searchStep({ ...BASE, trials: 2 }).run(await context(), inputs)).study);
    assert.equal(plain.trialData, undefined, 'no sample below 20,000 examples by default');
  });

  it('rejects every model over a constraint before training it and says which constraint', async () => {
    for (const [constraints, pattern] of [
      [{ maxParams: 5 }, /parameters > constraints\.maxParams 5/],
      [{ maxMemoryMB: 0.001 }, /estimated training memory [\d.]+ MB > constraints\.maxMemoryMB 0\.001/],
    ] as const) {
      const step = searchStep({ ...BASE, trials: 2, constraints });
      await assert.rejects(step.run(await context(), inputs), (e: unknown) => {
        assert.ok(isDeeplineError(e) && e.code === 'DL_SEARCH', String(e));
        assert.match(e.message, /all 2 trials were rejected before training/);
        assert.match(e.message, pattern);
        assert.match(e.hint ?? '', /loosen constraints/);
        return true;
      });
    }
  });

  it('rejects a model whose first rung cannot fit the time of one trial, and says so', async () => {
    // One millisecond per trial: no model can train one epoch (the first rung of epochs 3..6).
    const step = searchStep({ ...BASE, trials: 2, trialMs: 1 });
    await assert.rejects(step.run(await context(), inputs), (e: unknown) => {
      assert.ok(isDeeplineError(e) && e.code === 'DL_SEARCH', String(e));
      assert.match(e.message, /all 2 trials were rejected before training \(first: rejected: too slow for its time: about [\d.]+ s per epoch, so 1 epoch\(s\) would overrun the trial's 0 s\)/);
      assert.match(e.hint ?? '', /raise budget\.minutes/);
      return true;
    });
  });

  it('falls back to the first trial for the final training when the run budget leaves it time but no trial could train in its own', async () => {
    // One millisecond per trial again, but within a 10-minute run: the final training has its share.
    const step = searchStep({ ...BASE, trials: 2, trialMs: 1 });
    const ctx = await createTestStepContext({ root, artifacts: store, stepName: 'search', budget: createRunBudget(10) });
    const out = await step.run(ctx, inputs);
    const study = await store.readJson<StudySummary>(out.study);
    assert.ok(study.trials.every((t) => t.state !== 'complete'), 'no trial trained');
    assert.equal(study.best?.trialId, study.trials[0].id, 'the first trial (the default model) is chosen');
    assert.match(study.best?.fallback ?? '', /no trial could train its first epochs in the time it had \(too slow for its time/);
    const training = await store.readJson<{ epochs: number }>(out.training);
    assert.equal(training.epochs, study.best!.training.epochs, 'the final training runs for the epochs the trial was set to, within its time');
  });
});

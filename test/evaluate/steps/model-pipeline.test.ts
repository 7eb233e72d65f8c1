import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Dataset } from '../../../src/data/dataset.ts';
import { putDataset } from '../../../src/data/steps/dataset-artifact.ts';
import { normalizeStep } from '../../../src/data/steps/normalize-step.ts';
import { initEngine } from '../../../src/engine/engine.ts';
import { isDeeplineError } from '../../../src/errors/index.ts';
import type { EvaluationMetrics } from '../../../src/evaluate/evaluation-metrics.ts';
import type { RunReport } from '../../../src/evaluate/run-report.ts';
import { evaluateStep } from '../../../src/evaluate/steps/evaluate-step.ts';
import { reportStep } from '../../../src/evaluate/steps/report-step.ts';
import { buildModelStep } from '../../../src/models/steps/build-model-step.ts';
import { createTestStepContext } from '../../../src/testing/step-context.ts';
import type { StepContext, StepProgress } from '../../../src/pipeline/step.ts';
import type { ArtifactRef } from '../../../src/store/artifacts/artifact-store.ts';
import { FsArtifactStore } from '../../../src/store/artifacts/fs-artifact-store.ts';
import { trainStep } from '../../../src/train/steps/train-step.ts';
import type { TrainingHistory } from '../../../src/train/training-history.ts';
import { blobs, linear } from '../../train/synthetic-data.ts';

let root: string;
let store: FsArtifactStore;

interface Recorded {
  progress: StepProgress[];
  metrics: { key: string; value: number; epoch?: number }[];
}

function context(stepName: string, recorded: Recorded = { progress: [], metrics: [] }): Promise<StepContext> {
  return createTestStepContext({
    root,
    artifacts: store,
    stepName,
    onProgress: (p) => recorded.progress.push(p),
    onMetric: (key, value, at) => void recorded.metrics.push({ key, value, epoch: at?.epoch }),
  });
}

/** Puts raw splits in the store and runs the real normalize step over them. */
async function normalized(splits: Record<'train' | 'validation' | 'test', Dataset>): Promise<Record<'train' | 'validation' | 'test' | 'transform', ArtifactRef>> {
  const ctx = await context('split');
  const refs = { train: await putDataset(ctx, 'train', splits.train), validation: await putDataset(ctx, 'validation', splits.validation), test: await putDataset(ctx, 'test', splits.test) };
  const normalize = normalizeStep();
  return normalize.run(await context(normalize.name), refs);
}

describe('model steps: build-model → train → evaluate → report', { timeout: 120_000 }, () => {
  before(async () => {
    await initEngine('wasm');
    root = await mkdtemp(join(tmpdir(), 'deepline-model-steps-'));
    store = new FsArtifactStore(join(root, 'artifacts'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('runs a classification task end to end', async () => {
    const data = await normalized({ train: blobs(240, 4, 3, 1), validation: blobs(60, 4, 3, 2), test: blobs(90, 4, 3, 3) });

    const build = buildModelStep();
    assert.deepEqual(build.inputs, { train: 'normalize.train' });
    const { genome } = await build.run(await context(build.name), { train: data.train });
    assert.equal((await store.readJson<{ family: string }>(genome)).family, 'mlp');

    const train = trainStep({ epochs: 12, patience: 4, learningRate: 0.01 });
    assert.deepEqual(train.inputs, { train: 'normalize.train', validation: 'normalize.validation', genome: 'build-model.genome', balance: 'balance.balance' });
    const balance = await store.putJson({ applied: 'none' });
    assert.equal(train.params.batchSize, 32);
    const recorded: Recorded = { progress: [], metrics: [] };
    const trained = await train.run(await context(train.name, recorded), { train: data.train, validation: data.validation, genome, balance });
    const history = await store.readJson<TrainingHistory>(trained.history);
    assert.equal(history.formatVersion, 1);
    assert.equal(history.engine, 'wasm');
    assert.equal(recorded.progress.length, history.history.length);
    assert.match(recorded.progress.at(-1)!.message ?? '', /val_acc=\d\.\d{4}/);
    assert.deepEqual(recorded.progress.at(-1)!.total, 12);
    assert.equal(recorded.metrics.filter((m) => m.key === 'val_acc').length, history.history.length);
    const modelDir = await store.localPath(trained.model);
    assert.ok((await readFile(join(modelDir, 'weights.bin'))).byteLength > 0);

    // Same inputs, params and seed: byte-identical model and the same history numbers.
    const again = await train.run(await context(train.name), { train: data.train, validation: data.validation, genome, balance });
    assert.equal(again.model.hash, trained.model.hash);

    const evaluate = evaluateStep({ latencyRepeats: 3 });
    const evalRecorded: Recorded = { progress: [], metrics: [] };
    const { metrics } = await evaluate.run(await context(evaluate.name, evalRecorded), { model: trained.model, test: data.test, transform: data.transform });
    const scores = await store.readJson<EvaluationMetrics>(metrics);
    assert.equal(scores.kind, 'class');
    if (scores.kind !== 'class') return;
    assert.ok(scores.accuracy >= 0.9, `test accuracy ${scores.accuracy}`);
    assert.equal(scores.confusion.flat().reduce((a, b) => a + b, 0), 90);
    assert.deepEqual(scores.perClass.map((c) => c.support), [30, 30, 30]);
    assert.ok(scores.latency.singleMs > 0 && scores.latency.batch32Ms > 0);
    assert.ok(evalRecorded.metrics.some((m) => m.key === 'test_accuracy' && m.value === scores.accuracy));

    const report = reportStep({ taskName: 'blobs', taskType: 'tabular-classification' });
    const { report: reportRef } = await report.run(await context(report.name), { ...data, genome, history: trained.history, metrics });
    const dir = await store.localPath(reportRef);
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as RunReport;
    assert.equal(json.formatVersion, 1);
    assert.equal(json.model.params, history.params);
    assert.deepEqual(json.data.test.classCounts, [30, 30, 30]);
    assert.deepEqual(json.timings.map((t) => t.step), ['train', 'evaluate']);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    assert.match(html, /<h1>blobs<\/h1>/);
    assert.equal([...html.matchAll(/class="cell"/g)].length, 9);
  });

  it('evaluates regression in the target’s original units', async () => {
    const scaled = (ds: Dataset): Dataset => ({ ...ds, y: ds.y.map((v) => 100 * v + 500) });
    const data = await normalized({ train: scaled(linear(300, 1)), validation: scaled(linear(100, 2)), test: scaled(linear(100, 3)) });
    const build = buildModelStep({ genome: { family: 'mlp', hidden: [16], dropout: 0, batchNorm: false, activation: 'relu' } });
    const { genome } = await build.run(await context(build.name), { train: data.train });
    const train = trainStep({ epochs: 40, patience: 8, learningRate: 0.01 });
    const balance = await store.putJson({});
    const trained = await train.run(await context(train.name), { train: data.train, validation: data.validation, genome, balance });
    const evaluate = evaluateStep({ latencyRepeats: 1 });
    const { metrics } = await evaluate.run(await context(evaluate.name), { model: trained.model, test: data.test, transform: data.transform });
    const scores = await store.readJson<EvaluationMetrics>(metrics);
    assert.equal(scores.kind, 'numeric');
    if (scores.kind !== 'numeric') return;
    // Targets span about ±300 around 500: an RMSE of a few units means both sides were un-scaled.
    assert.ok(scores.rmse > 0.5 && scores.rmse < 30, `rmse ${scores.rmse}`);
    assert.ok(scores.r2 > 0.95, `r2 ${scores.r2}`);
    assert.ok(scores.mae <= scores.rmse);
  });

  it('rejects a bad genome and an unknown family with coded errors', async () => {
    const data = await normalized({ train: blobs(30, 4, 3, 1), validation: blobs(9, 4, 3, 2), test: blobs(9, 4, 3, 3) });
    const bad = buildModelStep({ genome: { family: 'mlp', hidden: [0], dropout: 0, batchNorm: false, activation: 'relu' } });
    await assert.rejects(bad.run(await context(bad.name), { train: data.train }), (e: unknown) => isDeeplineError(e) && e.code === 'DL_TASK_FIELD' && e.message.startsWith('model.genome.hidden.0'));
    const unknown = buildModelStep({ family: 'cnn' });
    await assert.rejects(unknown.run(await context(unknown.name), { train: data.train }), (e: unknown) => isDeeplineError(e) && /valid: mlp/.test(e.message));
  });
});

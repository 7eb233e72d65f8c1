import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { createDefaultContext } from '../../src/context/deepline-context.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { putDataset } from '../../src/data/steps/dataset-artifact.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { isDeeplineError } from '../../src/errors/index.ts';
import type { RobustnessSummary } from '../../src/evaluate/robustness-summary.ts';
import { definePipeline } from '../../src/pipeline/pipeline.ts';
import { createRunBudget } from '../../src/pipeline/run-budget.ts';
import { runPipeline } from '../../src/pipeline/runner.ts';
import { defineStep, type Step } from '../../src/pipeline/step.ts';
import { buildModel } from '../../src/models/build-model.ts';
import { taskLoss } from '../../src/models/losses.ts';
import { robustnessStep } from '../../src/security/steps/robustness-step.ts';
import { securityGateStep } from '../../src/security/steps/security-gate-step.ts';
import type { ArtifactRef } from '../../src/store/artifacts/artifact-store.ts';
import { FsArtifactStore } from '../../src/store/artifacts/fs-artifact-store.ts';
import { SqliteMetadataStore } from '../../src/store/metadata/sqlite-metadata-store.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';
import { createTestStepContext } from '../../src/testing/step-context.ts';
import { fitModel } from '../../src/train/fit.ts';
import { saveModel } from '../../src/train/model-io.ts';
import { blobs, linear } from '../train/synthetic-data.ts';

const families = await builtinFamilies();
let root: string;
let store: FsArtifactStore;
let refs: Record<'model' | 'train' | 'test' | 'transform', ArtifactRef>;

const context = (stepName: string, budget?: ReturnType<typeof createRunBudget>) => createTestStepContext({ root, artifacts: store, stepName, ...(budget && { budget }) });

async function measured(step: Step, inputs = refs, budget?: ReturnType<typeof createRunBudget>): Promise<Extract<RobustnessSummary, { status: 'measured' }>> {
  const out = await step.run(await context(step.name, budget), inputs);
  const summary = await store.readJson<RobustnessSummary>(out.robustness);
  assert.equal(summary.status, 'measured');
  return summary as Extract<RobustnessSummary, { status: 'measured' }>;
}

describe('robustness step', { timeout: 180_000 }, () => {
  before(async () => {
    await initEngine('wasm');
    root = await mkdtemp(join(tmpdir(), 'deepline-robustness-'));
    store = new FsArtifactStore(join(root, 'artifacts'));
    const [train, validation, test] = [blobs(300, 4, 3, 1, 2.5), blobs(90, 4, 3, 2, 2.5), blobs(240, 4, 3, 3, 2.5)];
    const model = buildModel({ family: 'mlp', hidden: [16], dropout: 0, batchNorm: false, activation: 'relu' }, { inputShape: [4], head: taskLoss(train.target).head, seed: 1, families });
    await fitModel(model, { train, validation, epochs: 30, batchSize: 32, learningRate: 0.01, patience: 5, seed: 3 });
    const ctx = await context('fixture');
    await saveModel(model, join(ctx.workDir, 'model'));
    model.dispose();
    refs = {
      model: await store.putDir(join(ctx.workDir, 'model')),
      train: await putDataset(ctx, 'train', train),
      test: await putDataset(ctx, 'test', test),
      transform: await store.putJson({ kind: 'identity', version: 1, featureShape: [4] }),
    };
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('measures a curve that never rises with ε, on a seeded sample, with the median minimal ε inside the curve’s range', async () => {
    const step = robustnessStep({ examples: 120 });
    const summary = await measured(step);
    assert.equal(summary.attack, 'pgd');
    assert.equal(summary.examples, 120);
    assert.equal(summary.testExamples, 240);
    assert.deepEqual(summary.curve.map((p) => p.epsilon), [0, 0.01, 0.02, 0.05, 0.1, 0.2]);
    assert.equal(summary.curve[0].accuracy, summary.cleanAccuracy);
    assert.ok(summary.cleanAccuracy > 0.8, `clean ${summary.cleanAccuracy}`);
    for (let k = 1; k < summary.curve.length; k++) assert.ok(summary.curve[k].accuracy <= summary.curve[k - 1].accuracy, JSON.stringify(summary.curve));
    assert.ok(summary.curve.at(-1)!.accuracy < summary.cleanAccuracy - 0.2, JSON.stringify(summary.curve));
    const m = summary.minimal!;
    assert.ok(m.median !== null && m.median > 0 && m.median <= m.upper, JSON.stringify(m));
    assert.equal(m.examples, Math.round(summary.cleanAccuracy * 120));
    // The median lies where the curve crosses half the examples classified right.
    const half = summary.cleanAccuracy / 2;
    const below = summary.curve.find((p) => p.accuracy < half);
    if (below) assert.ok(m.median! <= below.epsilon + 1e-6, `median ${m.median} vs the curve ${JSON.stringify(summary.curve)}`);
    // Deterministic: the same inputs, params and seed measure the same figures.
    const again = await measured(step);
    assert.deepEqual({ ...again, durationMs: 0 }, { ...summary, durationMs: 0 });
  });

  it('averaged over seeds, accuracy under a single attack per ε (no carrying over) still falls with ε', async () => {
    const sums = [0, 0, 0, 0];
    for (const seed of [1, 2, 3]) {
      for (const [k, epsilon] of [0.02, 0.05, 0.1, 0.2].entries()) {
        const ctx = await createTestStepContext({ root, artifacts: store, stepName: 'robustness', seed });
        const out = await robustnessStep({ epsilons: [epsilon], examples: 60, minimalRounds: 0 }).run(ctx, refs);
        const s = (await store.readJson<RobustnessSummary>(out.robustness)) as Extract<RobustnessSummary, { status: 'measured' }>;
        sums[k] += s.curve[0].accuracy / 3;
      }
    }
    for (let k = 1; k < sums.length; k++) assert.ok(sums[k] <= sums[k - 1] + 1e-9, `mean accuracy per ε: ${sums.join(', ')}`);
  });

  it('records the gate, and the gate step fails with DL_SECURITY_GATE naming measured and required accuracy', async () => {
    const failing = await measured(robustnessStep({ epsilons: [0, 0.1], examples: 60, minimalRounds: 0, gate: { epsilon: 0.1, minRobustAccuracy: 0.99 } }));
    assert.equal(failing.gate?.passed, false);
    const gate = securityGateStep();
    const failingRef = await store.putJson(failing);
    await assert.rejects(
      gate.run(await context(gate.name), { robustness: failingRef }),
      (e: unknown) => isDeeplineError(e) && e.code === 'DL_SECURITY_GATE' && new RegExp(`is ${failing.gate!.robustAccuracy.toFixed(3)} on 60 test examples, below security.minRobustAccuracy 0.99`).test(e.message),
    );
    const passing = await measured(robustnessStep({ epsilons: [0, 0.01], examples: 60, minimalRounds: 0, gate: { epsilon: 0.01, minRobustAccuracy: 0.1 } }));
    assert.equal(passing.gate?.passed, true);
    const { verdict } = await gate.run(await context(gate.name), { robustness: await store.putJson(passing) });
    assert.equal((await store.readJson<{ passed: boolean }>(verdict)).passed, true);
  });

  it('leaves out budgets its time share cannot hold, but never the gate’s ε', async () => {
    // A budget already spent: the step's share is 0 ms.
    const spent = createRunBudget(1, { startedAt: Date.now() - 120_000 });
    const summary = await measured(robustnessStep({ examples: 240, gate: { epsilon: 0.1, minRobustAccuracy: 0.1 } }), refs, spent);
    assert.deepEqual(summary.curve.map((p) => p.epsilon), [0, 0.1]);
    assert.deepEqual(summary.skippedEpsilons, [0.01, 0.02, 0.05, 0.2]);
    assert.equal(summary.minimal, undefined);
  });

  it('records why it measured nothing for regression', async () => {
    const ctx = await context('fixture');
    const test = await putDataset(ctx, 'test', linear(20, 1) as Dataset);
    const step = robustnessStep();
    const out = await step.run(await context(step.name), { ...refs, test });
    assert.deepEqual(await store.readJson(out.robustness), { formatVersion: 1, status: 'skipped', reason: 'robustness is measured for classification; this task predicts a number' });
  });

  it('is cached like any step: rerun only when its params or inputs change', async () => {
    const metadata = new SqliteMetadataStore(join(root, 'metadata.db'));
    const source = defineStep<never, 'model' | 'train' | 'test' | 'transform'>({
      name: 'fixture',
      version: '1',
      params: {},
      inputs: {},
      outputs: ['model', 'train', 'test', 'transform'],
      run: async () => refs,
    });
    const run = async (id: string, steps: Step[]) => {
      await metadata.createRun({ id, name: id, taskType: 'test', taskFile: '', spec: {} });
      const result = await runPipeline({
        pipeline: definePipeline([source, ...steps]),
        runId: id,
        metadata,
        artifacts: store,
        stateDir: root,
        seed: 1,
        log: pino({ level: 'silent' }),
        context: await createDefaultContext({ home: root }),
      });
      return Object.fromEntries(result.steps.map((s) => [s.name, s.status]));
    };
    const wiring = { inputs: { model: 'fixture.model', train: 'fixture.train', test: 'fixture.test', transform: 'fixture.transform' } };
    try {
      assert.equal((await run('a', [robustnessStep({ examples: 40 }, wiring)])).robustness, 'completed');
      assert.equal((await run('b', [robustnessStep({ examples: 40 }, wiring)])).robustness, 'cached');
      assert.equal((await run('c', [robustnessStep({ examples: 40, epsilons: [0, 0.1] }, wiring)])).robustness, 'completed');
      // A failing gate fails the run, but the measurement it read stays stored and is reused.
      const gated = [robustnessStep({ examples: 40, gate: { epsilon: 0.2, minRobustAccuracy: 1 } }, wiring), securityGateStep()];
      await assert.rejects(run('d', gated), (e: unknown) => isDeeplineError(e) && e.code === 'DL_SECURITY_GATE');
      await assert.rejects(run('e', gated), (e: unknown) => isDeeplineError(e) && e.code === 'DL_SECURITY_GATE');
      const steps = (await metadata.getRunDetail('e'))!.steps;
      assert.equal(steps.find((s) => s.name === 'robustness')?.status, 'cached');
    } finally {
      await metadata.close();
    }
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { saveDataset } from '../../src/data/dataset.ts';
import { DatasetCache } from '../../src/search/executors/dataset-cache.ts';
import { runTrial } from '../../src/search/executors/run-trial.ts';
import type { TrialJob } from '../../src/search/executors/trial-job.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';
import { blobs } from '../train/synthetic-data.ts';

const families = await builtinFamilies();
const dir = mkdtempSync(path.join(tmpdir(), 'deepline-search-robustness-'));
let data: { train: string; validation: string };

const job = (extra: Partial<TrialJob>): TrialJob => ({
  trialId: 1,
  genome: { family: 'mlp', hidden: [8], dropout: 0, batchNorm: false, activation: 'relu' },
  training: { epochs: 5, batchSize: 32, learningRate: 0.03, patience: 5 },
  data,
  seed: 5,
  engine: 'wasm',
  ...extra,
});

const run = (j: TrialJob) => runTrial(j, { datasets: new DatasetCache(), families, signal: new AbortController().signal, onProgress: () => undefined });

describe('the search and robustness', { timeout: 60_000 }, () => {
  before(async () => {
    data = { train: path.join(dir, 'train'), validation: path.join(dir, 'validation') };
    await saveDataset(data.train, blobs(240, 4, 3, 1, 2));
    await saveDataset(data.validation, blobs(90, 4, 3, 2, 2));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects a trained trial whose validation accuracy under PGD is below security.minRobustAccuracy, and keeps one that reaches it', async () => {
    const robustness = { epsilon: 0.1, norm: 'linf', steps: 5, examples: 60 } as const;
    const rejected = await run(job({ constraints: { robustness: { ...robustness, minAccuracy: 0.999 } } }));
    assert.equal(rejected.state, 'rejected');
    assert.equal(rejected.rejectedFor, 'constraint');
    assert.equal(rejected.epochs, 5, 'it trained before it was measured');
    assert.match(rejected.error ?? '', /^rejected: validation accuracy under PGD at ε 0\.1 is 0\.\d{3} < security\.minRobustAccuracy 0\.999$/);
    const kept = await run(job({ constraints: { robustness: { ...robustness, minAccuracy: 0 } } }));
    assert.equal(kept.state, 'complete');
    assert.deepEqual(kept.values, [rejected.objectives!.error, kept.values![1], rejected.objectives!.params], 'the same training either way');
  });

  it('trains trials adversarially when the task does (train.adversarial), which changes what they learn', async () => {
    const plain = await run(job({}));
    const adversarial = await run(job({ adversarial: { attack: 'fgsm', epsilon: 0.1, steps: 1, norm: 'linf' } }));
    assert.equal(adversarial.state, 'complete');
    assert.notEqual(adversarial.values![0], plain.values![0]);
  });
});

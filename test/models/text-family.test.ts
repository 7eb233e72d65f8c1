import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { splitTable } from '../../src/data/split.ts';
import { applyTableTransform } from '../../src/data/transform/apply-table-transform.ts';
import { fitTableTransform } from '../../src/data/transform/fit-table-transform.ts';
import { transformRecord } from '../../src/data/transform/transform-record.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { argmaxRows } from '../../src/evaluate/argmax-rows.ts';
import { accuracy } from '../../src/evaluate/metrics.ts';
import { predict } from '../../src/models/predict.ts';
import { buildModel } from '../../src/models/build-model.ts';
import { textFamily, type TextPoolGenome } from '../../src/models/families/text-family.ts';
import { taskLoss } from '../../src/models/losses.ts';
import { fitModel } from '../../src/train/fit.ts';
import { expectDeeplineError } from '../data/fixtures/expect-deepline-error.ts';
import { tableFromRows } from '../data/transform/make-table.ts';
import { CORPUS_CLASSES, textCorpus } from '../data/transform/text-corpus.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';

const families = await builtinFamilies();

describe('text-pool family', { timeout: 120_000 }, () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('is registered for text, and its genome is validated', async () => {
    assert.equal(families.get('text', 'text-pool'), textFamily);
    assert.deepEqual(families.list('text').map((f) => f.name), ['text-pool', 'text-conv', 'text-rnn']);
    const head = { units: 3, activation: 'softmax' } as const;
    await expectDeeplineError(
      () => buildModel({ family: 'text-pool', embeddingDim: 0, pooling: 'avg', dense: [], dropout: 0 }, { inputShape: [10], head, seed: 1, families, modality: 'text', vocabSize: 50 }),
      'DL_TASK_FIELD',
      /model\.genome\.embeddingDim/,
    );
    await expectDeeplineError(() => buildModel(textFamily.defaultGenome([10], 3), { inputShape: [10], head, seed: 1, families, modality: 'text' }), 'DL_INTERNAL', /vocabulary size/);
    await expectDeeplineError(() => buildModel(textFamily.defaultGenome([10], 3), { inputShape: [10], head, seed: 1, families }), 'DL_TASK_FIELD', /unknown model family `text-pool` for tabular data/);
  });

  it('builds embedding → pooling → dense → head with seeded weights', () => {
    const genome: TextPoolGenome = { family: 'text-pool', embeddingDim: 8, pooling: 'max', dense: [16], dropout: 0.1 };
    const build = (seed: number) => buildModel(genome, { inputShape: [12], head: { units: 4, activation: 'softmax' }, seed, families, modality: 'text', vocabSize: 30 });
    const [a, b, c] = [build(5), build(5), build(6)];
    assert.deepEqual(a.outputs[0].shape, [null, 4]);
    assert.deepEqual(a.getLayer('embedding').getWeights()[0].shape, [30, 8]);
    assert.equal(a.getLayer('pool').getClassName(), 'GlobalMaxPooling1D');
    assert.equal(a.countParams(), 30 * 8 + (8 * 16 + 16) + (16 * 4 + 4));
    const w = (m: tf.LayersModel) => m.getWeights().map((t) => Array.from(t.dataSync()));
    assert.deepEqual(w(a), w(b));
    assert.notDeepEqual(w(a)[0], w(c)[0]);
    tf.dispose([a, b, c].flatMap((m) => m.getWeights()));
  });

  it('learns a generated three-class corpus to > 0.9 held-out accuracy through fitModel', async () => {
    const docs = textCorpus(900, 17);
    const table = tableFromRows(['text', 'topic'], docs.map((d) => [d.text, d.label]), { text: 'text', topic: 'categorical' }, 'topic');
    const parts = splitTable(table, { fractions: { train: 0.6, validation: 0.2, test: 0.2 }, seed: 3 });
    const t = fitTableTransform(parts.train, { textColumn: 'text', vocabSize: 2000 });
    const [train, validation, test] = [parts.train, parts.validation, parts.test].map((p) => applyTableTransform(t, p));
    assert.deepEqual(train.target.kind === 'class' && train.target.classes, [...CORPUS_CLASSES].sort());
    const vocabSize = t.columns[0].kind === 'tokens' ? t.columns[0].vocabulary.length : 0;
    const model = buildModel(textFamily.defaultGenome(train.featureShape, 3), { inputShape: train.featureShape, head: taskLoss(train.target).head, seed: 7, families, modality: 'text', vocabSize });
    const started = performance.now();
    const result = await fitModel(model, { train, validation, epochs: 25, batchSize: 32, learningRate: 0.005, patience: 4, seed: 11 });
    const p = await predict(model, test);
    const acc = accuracy(test.y, argmaxRows(p.values, p.units));
    console.log(`text-pool: held-out accuracy ${acc.toFixed(3)} on ${test.n} texts after ${result.history.length} epochs (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    assert.ok(acc > 0.9, `held-out accuracy ${acc}`);
    // The served path feeds the same model: a raw text gets the class its keywords say.
    const served = transformRecord(t, { text: 'The striker scored a late GOAL, the coach said!' });
    const one = await predict(model, { n: 1, featureShape: train.featureShape, x: served });
    assert.equal(t.target.kind === 'class' && t.target.classes[argmaxRows(one.values, one.units)[0]], 'sport');
    tf.dispose(model.getWeights());
  });
});

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { splitTable } from '../../src/data/split.ts';
import { applyTableTransform } from '../../src/data/transform/apply-table-transform.ts';
import { fitTableTransform } from '../../src/data/transform/fit-table-transform.ts';
import { initEngine } from '../../src/engine/engine.ts';
import { buildModel } from '../../src/models/build-model.ts';
import { textConvFamily } from '../../src/models/families/text-conv-family.ts';
import { textRnnFamily } from '../../src/models/families/text-rnn-family.ts';
import type { TextConvGenome, TextRnnGenome } from '../../src/models/genome.ts';
import { taskLoss } from '../../src/models/losses.ts';
import { fitModel } from '../../src/train/fit.ts';
import { expectDeeplineError } from '../data/fixtures/expect-deepline-error.ts';
import { tableFromRows } from '../data/transform/make-table.ts';
import { textCorpus } from '../data/transform/text-corpus.ts';
import { builtinFamilies } from '../../src/testing/builtin-families.ts';

const families = await builtinFamilies();
if (!families.has('text', 'text-conv')) families.register(textConvFamily);
if (!families.has('text', 'text-rnn')) families.register(textRnnFamily);
const head = { units: 3, activation: 'softmax' } as const;

function corpus(n: number) {
  const docs = textCorpus(n, 17);
  const table = tableFromRows(['text', 'topic'], docs.map((d) => [d.text, d.label]), { text: 'text', topic: 'categorical' }, 'topic');
  const parts = splitTable(table, { fractions: { train: 0.6, validation: 0.2, test: 0.2 }, seed: 3 });
  const t = fitTableTransform(parts.train, { textColumn: 'text', vocabSize: 2000 });
  const [train, validation] = [parts.train, parts.validation].map((p) => applyTableTransform(t, p));
  const vocabSize = t.columns[0].kind === 'tokens' ? t.columns[0].vocabulary.length : 0;
  return { train, validation, vocabSize };
}

describe('text-conv and text-rnn families', { timeout: 180_000 }, () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('text-conv: embedding → convs (pooled between) → global max pool → dense, hand-counted', async () => {
    const genome: TextConvGenome = { family: 'text-conv', embeddingDim: 8, convFilters: [6, 4], kernelSize: 3, dense: [5], dropout: 0 };
    const model = buildModel(genome, { inputShape: [12], head, seed: 1, families, modality: 'text', vocabSize: 30 });
    // embedding 30*8, conv 3*8*6+6, conv 3*6*4+4, dense 4*5+5, head 5*3+3
    assert.equal(model.countParams(), 240 + 150 + 76 + 25 + 18);
    assert.deepEqual(model.getLayer('conv_1').outputShape, [null, 6, 4]);
    assert.deepEqual(model.outputs[0].shape, [null, 3]);
    model.dispose();
    await expectDeeplineError(() => buildModel(genome, { inputShape: [12], head, seed: 1, families, modality: 'text' }), 'DL_INTERNAL', /text-conv family needs the vocabulary size/);
    await expectDeeplineError(() => buildModel({ ...genome, convFilters: [] }, { inputShape: [12], head, seed: 1, families, modality: 'text', vocabSize: 30 }), 'DL_TASK_FIELD', /convFilters/);
  });

  it('text-rnn: a bidirectional GRU or LSTM doubles the encoding width, hand-counted', () => {
    const genome: TextRnnGenome = { family: 'text-rnn', embeddingDim: 8, cell: 'gru', units: 4, dense: [], dropout: 0 };
    const gru = buildModel(genome, { inputShape: [12], head, seed: 1, families, modality: 'text', vocabSize: 30 });
    // tfjs GRU (reset_after = false): 3 gates × (8*4 + 4*4 + 4) per direction; head 8*3+3
    assert.equal(gru.countParams(), 240 + 2 * 3 * (32 + 16 + 4) + 27);
    assert.deepEqual(gru.getLayer('encoder').outputShape, [null, 8]);
    const lstm = buildModel({ ...genome, cell: 'lstm' }, { inputShape: [12], head, seed: 1, families, modality: 'text', vocabSize: 30 });
    assert.equal(lstm.countParams(), 240 + 2 * 4 * (32 + 16 + 4) + 27);
    gru.dispose();
    lstm.dispose();
  });

  it('text-conv learns the three-class corpus to > 0.9 validation accuracy on wasm', async () => {
    assert.equal(tf.getBackend(), 'wasm');
    const { train, validation, vocabSize } = corpus(600);
    const model = buildModel(textConvFamily.defaultGenome(train.featureShape, 3), { inputShape: train.featureShape, head: taskLoss(train.target).head, seed: 7, families, modality: 'text', vocabSize });
    const started = performance.now();
    const result = await fitModel(model, { train, validation, epochs: 10, batchSize: 32, learningRate: 0.005, patience: 3, seed: 11 });
    const steps = result.history.length * Math.ceil(train.n / 32);
    console.log(`text-conv: val accuracy ${result.history.at(-1)?.valMetric.toFixed(3)} after ${result.history.length} epochs, ${((performance.now() - started) / steps).toFixed(1)} ms per step (maxLen ${train.featureShape[0]})`);
    assert.ok(Math.max(...result.history.map((h) => h.valMetric)) > 0.9);
    model.dispose();
  });

  it('text-rnn (GRU) trains on wasm: the loss falls and validation beats chance', async () => {
    const { train, validation, vocabSize } = corpus(300);
    const genome: TextRnnGenome = { family: 'text-rnn', embeddingDim: 16, cell: 'gru', units: 16, dense: [], dropout: 0 };
    const model = buildModel(genome, { inputShape: train.featureShape, head: taskLoss(train.target).head, seed: 7, families, modality: 'text', vocabSize });
    const started = performance.now();
    const result = await fitModel(model, { train, validation, epochs: 4, batchSize: 32, learningRate: 0.01, patience: 4, seed: 11 });
    const steps = result.history.length * Math.ceil(train.n / 32);
    console.log(`text-rnn gru: val accuracy ${result.history.at(-1)?.valMetric.toFixed(3)} after ${result.history.length} epochs, ${((performance.now() - started) / steps).toFixed(1)} ms per step (maxLen ${train.featureShape[0]})`);
    assert.ok(result.history.at(-1)!.loss < result.history[0].loss);
    assert.ok(Math.max(...result.history.map((h) => h.valMetric)) > 0.5);
    model.dispose();
  });
});

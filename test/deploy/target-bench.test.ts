import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchingWaitMs, chooseServing, fixedCallCostMs, latencyBoundMs, THROUGHPUT_TOLERANCE } from '../../src/deploy/target-bench/choose-serving.ts';
import { batchSizesUpTo } from '../../src/deploy/target-bench/run-target-bench.ts';
import type { ServingEngine } from '../../src/deploy/target-bench/serving-config.ts';
import { syntheticInputs } from '../../src/deploy/target-bench/synthetic-inputs.ts';
import type { BenchCell, EngineBench } from '../../src/deploy/target-bench/target-bench-result.ts';
import { quantile, timeBatches } from '../../src/deploy/target-bench/time-batches.ts';
import { isDeeplineError } from '../../src/errors/index.ts';
import { fillReportSection, reportSection } from '../../src/evaluate/report-section.ts';

const SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/**
 * An engine whose call takes `fixedMs + perExampleMs × batch` at the median and `tail` times
 * that at p99: the shape real measurements have (a fixed cost per call, a cost per example).
 */
function engine(name: ServingEngine, fixedMs: number, perExampleMs: number, tail = 1.2): EngineBench {
  const cells: BenchCell[] = SIZES.map((batch) => {
    const p50Ms = fixedMs + perExampleMs * batch;
    return { batch, calls: 100, p50Ms, p99Ms: p50Ms * tail, meanMs: p50Ms, throughput: (batch * 1000) / p50Ms };
  });
  return { engine: name, runtime: name, cells };
}

// ONNX Runtime: a small fixed cost, dearer per example. Native: a large fixed cost, cheap per example.
const onnx = engine('onnx', 0.05, 0.04);
const native = engine('native', 2, 0.01);
const cell = (e: EngineBench, batch: number): BenchCell => e.cells.find((c) => c.batch === batch)!;

describe('chooseServing', () => {
  it('takes the highest throughput whose worst case (wait + 2 × p99) meets the objective', () => {
    // Tight: native's fixed cost rules it out; onnx's throughput only grows with the batch, so the
    // largest batch within 1 ms wins: 2 × 1.2 × (0.05 + 0.04 × 8) = 0.89 ms; batch 16 takes 1.66.
    const tight = chooseServing([onnx, native], 1);
    assert.deepEqual([tight.engine, tight.maxBatch, tight.maxWaitMs, tight.meetsObjective], ['onnx', 8, 0, true]);
    assert.ok(Math.abs(tight.latencyBoundMs - latencyBoundMs(cell(onnx, 8))) < 1e-12);
    assert.equal(tight.throughput, cell(onnx, 8).throughput);

    // Loose: native at 256 takes 2 × 1.2 × 4.56 = 10.9 ms, within 20 ms, at 56,100/s — twice
    // onnx's best within 20 ms (24,800/s at 128) and above native's 39,000/s at 128.
    const loose = chooseServing([onnx, native], 20);
    assert.deepEqual([loose.engine, loose.maxBatch, loose.meetsObjective], ['native', 256, true]);
    assert.ok(loose.latencyBoundMs <= 20, `${loose.latencyBoundMs}`);

    // Between the two: native's 256 needs 10.9 ms; with 8 ms, native at 128 (7.9 ms) beats onnx.
    const middle = chooseServing([onnx, native], 8);
    assert.deepEqual([middle.engine, middle.maxBatch], ['native', 128]);
  });

  it('prefers the lower latency among throughputs within the tolerance of the best', () => {
    // A flat curve past 64: 128 and 256 are within 5% of each other, so the smaller batch wins.
    const flat: EngineBench = {
      engine: 'onnx',
      cells: [
        { batch: 64, calls: 50, p50Ms: 1, p99Ms: 1.1, meanMs: 1, throughput: 64_000 },
        { batch: 128, calls: 50, p50Ms: 1.95, p99Ms: 2.1, meanMs: 1.95, throughput: 65_600 },
        { batch: 256, calls: 50, p50Ms: 3.8, p99Ms: 4.2, meanMs: 3.8, throughput: 67_300 },
      ],
    };
    assert.ok(65_600 >= 67_300 * (1 - THROUGHPUT_TOLERANCE) && 64_000 >= 67_300 * (1 - THROUGHPUT_TOLERANCE));
    const choice = chooseServing([flat], 100);
    assert.equal(choice.maxBatch, 64, choice.reason);
    assert.match(choice.reason, /within 5% of the best, at lower latency/);
  });

  it('says so and serves the fastest pair with no wait when nothing meets the objective', () => {
    const choice = chooseServing([onnx, native], 0.05);
    assert.deepEqual([choice.engine, choice.maxBatch, choice.maxWaitMs, choice.meetsObjective], ['onnx', 1, 0, false]);
    assert.match(choice.reason, /no engine and batch size meets the 0\.05 ms objective/);
  });

  it('skips an engine that could not run and fails only when none could', () => {
    const broken: EngineBench = { engine: 'wasm', cells: [], error: 'kernel missing' };
    assert.equal(chooseServing([broken, onnx], 1).engine, 'onnx');
    assert.throws(
      () => chooseServing([broken], 1),
      (e: unknown) => isDeeplineError(e) && e.code === 'DL_ENGINE' && /wasm: kernel missing/.test(e.message),
    );
  });
});

describe('the batching wait', () => {
  it('estimates the fixed cost of a call from the line through batch 1 and the chosen batch', () => {
    assert.ok(Math.abs(fixedCallCostMs(native.cells, cell(native, 128)) - 2) < 1e-9);
    assert.ok(Math.abs(fixedCallCostMs(onnx.cells, cell(onnx, 32)) - 0.05) < 1e-9);
    assert.equal(fixedCallCostMs(native.cells, cell(native, 1)), 0);
  });

  it('waits up to one call’s fixed cost, in whole ms, out of the slack, and not at all for batches of one', () => {
    assert.equal(batchingWaitMs(2.6, 10, 32), 2);
    assert.equal(batchingWaitMs(2.6, 1.5, 32), 1, 'the slack limits it');
    assert.equal(batchingWaitMs(2.6, 0.5, 32), 0, 'under a timer tick of slack');
    assert.equal(batchingWaitMs(0.3, 10, 32), 0, 'a cheap call is not worth waiting for');
    assert.equal(batchingWaitMs(2.6, 10, 1), 0, 'nothing to batch with');
  });

  it('is part of the choice, and of its worst case, which still meets the objective', () => {
    // native at 256 under 20 ms: 10.9 ms worst case, 9.1 ms of slack, a 2 ms fixed cost → 2 ms wait.
    const loose = chooseServing([onnx, native], 20);
    assert.equal(loose.maxWaitMs, 2);
    assert.ok(Math.abs(loose.latencyBoundMs - (2 + 2 * cell(native, 256).p99Ms)) < 1e-9);
    assert.match(loose.reason, /waits 2 ms/);
    // onnx's fixed cost (0.05 ms) is under a timer tick: no wait.
    const tight = chooseServing([onnx, native], 1);
    assert.equal(tight.maxWaitMs, 0);
    assert.match(tight.reason, /no wait: a call's fixed cost \(0\.05 ms\) is under the 1 ms/);
  });
});

describe('timeBatches', () => {
  it('times each batch size after warm-up, for at least cellMs, and reports p50, p99 and throughput', async () => {
    let clock = 0;
    const seen: number[] = [];
    // A call of b examples takes 1 + 0.5 b ms, except every 10th, which takes 10 ms longer.
    let calls = 0;
    const predict = async (batch: readonly Float32Array[]): Promise<void> => {
      calls++;
      seen.push(batch.length);
      clock += 1 + 0.5 * batch.length + (calls % 10 === 0 ? 10 : 0);
    };
    const rows = Array.from({ length: 5 }, (_, i) => Float32Array.of(i));
    const cells = await timeBatches(predict, rows, { batchSizes: [1, 4], cellMs: 20, warmupCalls: 2, minCalls: 5, now: () => clock });
    assert.deepEqual(cells.map((c) => c.batch), [1, 4]);
    const [one, four] = cells;
    assert.equal(one!.p50Ms, 1.5);
    // Timed calls 3 to 9 take 1.5 ms each (10.5 ms); call 10 takes 11.5, which passes 20 ms.
    assert.equal(one!.calls, 8);
    assert.equal(one!.p99Ms, 11.5, 'the slow call is the p99 of fewer than 100');
    assert.equal(one!.meanMs, 22 / 8);
    assert.equal(one!.throughput, 8000 / 22);
    // Calls 13 to 19 take 3 ms each: seven reach 21 ms.
    assert.deepEqual([four!.calls, four!.p50Ms, four!.throughput], [7, 3, (4 * 7 * 1000) / 21]);
    assert.deepEqual(seen.slice(0, 2), [1, 1], 'warm-up calls come first');
    assert.equal(seen.filter((n) => n === 4).length, four!.calls + 2);
  });

  it('takes quantiles by nearest rank: values that were measured', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(quantile(hundred, 0.99), 99);
    assert.equal(quantile(hundred, 0.5), 50);
    assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99), 10);
    assert.equal(quantile([7], 0.5), 7);
  });

  it('measures batch sizes 1, 2, 4 … up to the largest asked for', () => {
    assert.deepEqual(batchSizesUpTo(256), SIZES);
    assert.deepEqual(batchSizesUpTo(100), [1, 2, 4, 8, 16, 32, 64, 100]);
    assert.deepEqual(batchSizesUpTo(1), [1]);
  });
});

describe('syntheticInputs', () => {
  it('draws images around the training statistics, so they standardise to mean 0 and spread 1', () => {
    const transform = { kind: 'image-standardize', version: 1, featureShape: [8, 8, 1], scale: 16, mean: [0.3], std: [0.2] };
    const rows = syntheticInputs(transform, 200, 7);
    assert.equal(rows.length, 200);
    assert.ok(rows.every((r) => r.length === 64));
    const all = rows.flatMap((r) => [...r]);
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    const std = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length);
    // Clipping to [0, 16] pixels trims the low tail a little.
    assert.ok(Math.abs(mean) < 0.1 && std > 0.8 && std < 1.1, `mean ${mean}, std ${std}`);
    assert.deepEqual(syntheticInputs(transform, 3, 7), rows.slice(0, 3), 'the same seed gives the same inputs');
  });

  it('writes texts from the training vocabulary, encoded as the server encodes them', () => {
    const vocabulary = ['<pad>', '<unk>', 'good', 'bad', 'film', 'plot'];
    const transform = {
      kind: 'table',
      version: 1,
      input: 'text',
      featureShape: [12],
      featureNames: Array.from({ length: 12 }, (_, i) => `review[${i}]`),
      columns: [{ kind: 'tokens', column: 'review', features: Array.from({ length: 12 }, (_, i) => `review[${i}]`), vocabulary, maxLen: 12 }],
      target: { kind: 'class', column: 'label', classes: ['neg', 'pos'] },
      ignored: [],
    };
    const rows = syntheticInputs(transform, 50, 3);
    const ids = rows.flatMap((r) => [...r]);
    assert.ok(ids.every((id) => Number.isInteger(id) && id >= 0 && id < vocabulary.length));
    assert.ok(ids.every((id) => id !== 1), 'no token is out of the vocabulary');
    assert.ok(rows.every((r) => r[0]! >= 2), 'every text has a first token');
    assert.ok(new Set(rows.map((r) => r.indexOf(0))).size > 3, 'texts of several lengths');
  });
});

describe('the report section', () => {
  const page = (body: string): string => `<!doctype html><html><body><h1>run</h1>${body}</body></html>\n`;

  it('replaces what lies between its markers and nothing else', () => {
    const before = page(`<p>a</p>${reportSection('target-bench', '<p>not measured yet</p>')}<p>b</p>`);
    const after = fillReportSection(before, 'target-bench', '<table><tr><td>$1 $&</td></tr></table>');
    assert.equal(after, page(`<p>a</p>${reportSection('target-bench', '<table><tr><td>$1 $&</td></tr></table>')}<p>b</p>`));
    assert.equal(fillReportSection(after, 'target-bench', '<p>again</p>'), page(`<p>a</p>${reportSection('target-bench', '<p>again</p>')}<p>b</p>`));
  });

  it('is added at the end of the body of a report written before it existed', () => {
    const filled = fillReportSection(page('<p>a</p>'), 'target-bench', '<p>x</p>');
    assert.equal(filled, page(`<p>a</p>${reportSection('target-bench', '<p>x</p>')}\n`));
    assert.equal(fillReportSection(filled, 'target-bench', '<p>y</p>').split('deepline:target-bench').length, 3, 'one section, twice filled');
  });
});

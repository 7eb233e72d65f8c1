import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLogSampler } from '../../src/monitor/prediction-log/log-sampler.ts';
import { loggedInput } from '../../src/monitor/prediction-log/logged-input.ts';
import { readPredictionLog, type PredictionLogWarning, type ReadPredictionLogOptions } from '../../src/monitor/prediction-log/prediction-log-reader.ts';
import { PredictionLogWriter } from '../../src/monitor/prediction-log/prediction-log-writer.ts';
import { PREDICTION_LOG_VERSION, type PredictionRecord } from '../../src/monitor/prediction-log/prediction-record.ts';
import { isDeeplineError } from '../../src/errors/index.ts';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'deepline-prediction-log-'));

function record(k: number, extra: Partial<PredictionRecord> = {}): PredictionRecord {
  return {
    v: PREDICTION_LOG_VERSION,
    time: new Date(Date.UTC(2025, 0, 1, 0, 0, k)).toISOString(),
    model: 'iris',
    request: `r${k}`,
    instance: 0,
    latencyMs: 1.5,
    input: { sepal_length: 5.1, k },
    prediction: { label: 'setosa', probabilities: { setosa: 0.9, versicolor: 0.06, virginica: 0.04 } },
    ...extra,
  };
}

async function readAll(dir: string, options: ReadPredictionLogOptions = {}): Promise<{ records: PredictionRecord[]; warnings: PredictionLogWarning[] }> {
  const warnings: PredictionLogWarning[] = [];
  const records: PredictionRecord[] = [];
  for await (const r of readPredictionLog(dir, { ...options, onWarning: (w) => warnings.push(w) })) records.push(r);
  return { records, warnings };
}

/** Polls `check` until it holds or `ms` pass. */
async function eventually(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('prediction log: writer and reader', () => {
  it('rotates segments by size and reads them back in order', async () => {
    const dir = tempDir();
    const writer = await PredictionLogWriter.open({ dir, maxSegmentBytes: 2_000 });
    for (let k = 0; k < 100; k++) writer.append(record(k));
    await writer.close();
    const segments = readdirSync(join(dir, 'iris')).sort();
    assert.ok(segments.length >= 5, `${segments.length} segments`);
    assert.deepEqual(segments.slice(0, 2), ['000001.jsonl', '000002.jsonl']);
    for (const s of segments) assert.ok(statSync(join(dir, 'iris', s)).size <= 2_000, `${s} is ${statSync(join(dir, 'iris', s)).size} bytes`);
    const { records, warnings } = await readAll(dir);
    assert.deepEqual(warnings, []);
    assert.deepEqual(records.map((r) => r.request), Array.from({ length: 100 }, (_, k) => `r${k}`));
    assert.deepEqual(writer.stats, { appended: 100, written: 100, pending: 0, dropped: 0, failed: 0 });
  });

  it('gives a second writer (a restarted server) segments of its own, read after the first', async () => {
    const dir = tempDir();
    const first = await PredictionLogWriter.open({ dir });
    for (let k = 0; k < 3; k++) first.append(record(k));
    await first.flush();
    const second = await PredictionLogWriter.open({ dir });
    for (let k = 3; k < 6; k++) second.append(record(k));
    await Promise.all([first.close(), second.close()]);
    assert.deepEqual(readdirSync(join(dir, 'iris')).sort(), ['000001.jsonl', '000002.jsonl']);
    const { records } = await readAll(dir);
    assert.deepEqual(records.map((r) => r.request), ['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('writes within the flush interval without being asked, and keeps models apart', async () => {
    const dir = tempDir();
    const writer = await PredictionLogWriter.open({ dir, flushIntervalMs: 10 });
    writer.append(record(0));
    writer.append(record(1, { model: 'digits', inputRef: { sha256: 'ab', of: 'pixels' }, input: undefined, embedding: Float32Array.of(0.1, 1 / 3, -2e-7) }));
    await eventually(() => writer.stats.written === 2, 2_000, 'both records written');
    const line = readFileSync(join(dir, 'digits', '000001.jsonl'), 'utf8');
    assert.ok(line.endsWith('}\n'), 'one line, ended');
    // float32 values, exactly: base64 of their little-endian bytes on disk, numbers from the reader.
    const stored = (JSON.parse(line) as { embedding: string }).embedding;
    assert.deepEqual([...new Float32Array(Uint8Array.from(Buffer.from(stored, 'base64')).buffer)], [Math.fround(0.1), Math.fround(1 / 3), Math.fround(-2e-7)]);
    const { records } = await readAll(dir, { model: 'digits' });
    assert.equal(records.length, 1);
    assert.deepEqual(records[0]!.embedding, [Math.fround(0.1), Math.fround(1 / 3), Math.fround(-2e-7)]);
    await writer.close();
    writer.append(record(2));
    assert.equal(writer.stats.dropped, 1, 'a record after close is dropped, not thrown');
  });

  it('reads logs of format 1, whose embeddings are decimal numbers, beside format 2', async () => {
    const dir = tempDir();
    const writer = await PredictionLogWriter.open({ dir });
    writer.append(record(1, { model: 'digits', embedding: [0.5, -1.25] }));
    await writer.close();
    const file = join(dir, 'digits', '000001.jsonl');
    appendFileSync(file, `${JSON.stringify({ ...record(2, { model: 'digits' }), v: 1, embedding: [0.1, 0.3333333] })}\n`);
    const { records, warnings } = await readAll(dir, { model: 'digits' });
    assert.deepEqual(warnings, []);
    assert.deepEqual(records.map((r) => [r.v, r.embedding]), [
      [PREDICTION_LOG_VERSION, [0.5, -1.25]],
      [1, [0.1, 0.3333333]],
    ]);
  });

  it('skips a torn last line with a warning naming the file and line', async () => {
    const dir = tempDir();
    const writer = await PredictionLogWriter.open({ dir });
    for (let k = 0; k < 5; k++) writer.append(record(k));
    await writer.close();
    const file = join(dir, 'iris', '000001.jsonl');
    // What a kill in the middle of a write leaves: the start of a record, no line end.
    appendFileSync(file, JSON.stringify(record(5)).slice(0, 40));
    const { records, warnings } = await readAll(dir);
    assert.equal(records.length, 5);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.reason, 'torn');
    assert.equal(warnings[0]!.file, file);
    assert.equal(warnings[0]!.line, 6);
    assert.match(warnings[0]!.message, /000001\.jsonl:6: skipped the last line, which is incomplete/);

    // A server started afterwards writes a new segment: the torn line stays last in its own.
    const next = await PredictionLogWriter.open({ dir });
    next.append(record(6));
    await next.close();
    const again = await readAll(dir);
    assert.deepEqual(again.records.map((r) => r.request), ['r0', 'r1', 'r2', 'r3', 'r4', 'r6']);
    assert.deepEqual(again.warnings.map((w) => [w.reason, w.line]), [['torn', 6]]);
  });

  it('skips a corrupt line in the middle, and lines that are not records, naming each', async () => {
    const dir = tempDir();
    const writer = await PredictionLogWriter.open({ dir });
    for (let k = 0; k < 4; k++) writer.append(record(k));
    await writer.close();
    const file = join(dir, 'iris', '000001.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(2, 0, '{"v":1,"time":"2025-01-01T00:00:0', '[1,2,3]', JSON.stringify({ ...record(9), v: PREDICTION_LOG_VERSION + 1 }));
    writeFileSync(file, lines.join('\n'));
    const { records, warnings } = await readAll(dir);
    assert.deepEqual(records.map((r) => r.request), ['r0', 'r1', 'r2', 'r3']);
    assert.deepEqual(
      warnings.map((w) => [w.reason, w.line]),
      [
        ['unparsable', 3],
        ['not-a-record', 4],
        ['newer-version', 5],
      ],
    );
    assert.match(warnings[0]!.message, /000001\.jsonl:3: skipped a line that is not JSON/);
  });

  it('filters by time window, model and version', async () => {
    const dir = tempDir();
    const writer = await PredictionLogWriter.open({ dir });
    for (let k = 0; k < 10; k++) writer.append(record(k, { version: k < 5 ? '1' : '2' }));
    writer.append(record(3, { model: 'digits' }));
    await writer.close();
    const window = await readAll(dir, { model: 'iris', since: '2025-01-01T00:00:02Z', until: new Date(Date.UTC(2025, 0, 1, 0, 0, 6)) });
    assert.deepEqual(window.records.map((r) => r.request), ['r2', 'r3', 'r4', 'r5']);
    assert.deepEqual((await readAll(dir, { version: '2' })).records.map((r) => r.request), ['r5', 'r6', 'r7', 'r8', 'r9']);
    assert.equal((await readAll(dir)).records.length, 11, 'every model, one after another');
    assert.deepEqual((await readAll(dir, { model: 'nobody' })).records, []);
    await assert.rejects(readAll(join(dir, 'absent')), (e: unknown) => isDeeplineError(e) && e.code === 'DL_DATA_MISSING');
  });

  it('counts records it cannot write or hold, and never throws at the caller', async () => {
    const dir = tempDir();
    const errors: Error[] = [];
    // A file where the model's folder should be: every write of that model fails.
    writeFileSync(join(dir, 'iris'), 'in the way');
    const writer = await PredictionLogWriter.open({ dir, maxPendingRecords: 3, onError: (e) => errors.push(e) });
    for (let k = 0; k < 5; k++) writer.append(record(k));
    await writer.close();
    assert.deepEqual(writer.stats, { appended: 3, written: 0, pending: 0, dropped: 2, failed: 3 });
    assert.ok(errors.length >= 1);
    await assert.rejects(PredictionLogWriter.open({ dir: join(dir, 'iris', 'below') }), (e: unknown) => isDeeplineError(e) && e.code === 'DL_NOT_WRITABLE');
  });

  it('samples requests at the rate asked, by request id and seed', () => {
    const ids = Array.from({ length: 20_000 }, (_, k) => `req-${k}`);
    const rate = 0.3;
    const keep = createLogSampler(rate, 7);
    const kept = ids.filter(keep);
    // Binomial(20,000, 0.3): 4 standard deviations is 260 requests.
    const sd = Math.sqrt(ids.length * rate * (1 - rate));
    assert.ok(Math.abs(kept.length - ids.length * rate) < 4 * sd, `${kept.length} of ${ids.length} kept`);
    assert.deepEqual(ids.filter(createLogSampler(rate, 7)), kept, 'the same ids and seed give the same choice');
    const other = new Set(ids.filter(createLogSampler(rate, 8)));
    const both = kept.filter((id) => other.has(id)).length;
    // Independent choices overlap on about rate² of the ids.
    assert.ok(Math.abs(both - ids.length * rate * rate) < 4 * Math.sqrt(ids.length * rate * rate), `${both} chosen by both seeds`);
    assert.equal(ids.filter(createLogSampler(0)).length, 0);
    assert.equal(ids.filter(createLogSampler(1)).length, ids.length);
    assert.throws(() => createLogSampler(1.5), RangeError);
  });

  it('keeps records and short texts, and a hash for images and long texts', () => {
    const table = { sepal_length: 5.1, species_note: null };
    assert.deepEqual(loggedInput(table, 'table'), { input: table });
    const long = 'word '.repeat(300);
    const text = loggedInput({ review: long, stars: 4 }, 'text');
    assert.deepEqual(text.input, { review: { sha256: createHash('sha256').update(long).digest('hex'), chars: long.length }, stars: 4 });
    assert.deepEqual(loggedInput({ review: 'short' }, 'text'), { input: { review: 'short' } });
    const png = Buffer.from('not really a png, but bytes');
    assert.deepEqual(loggedInput({ image: png.toString('base64') }, 'image'), { inputRef: { sha256: createHash('sha256').update(png).digest('hex'), of: 'image-bytes' } });
    const pixels = loggedInput({ pixels: [0, 1, 2] }, 'image').inputRef!;
    assert.equal(pixels.of, 'pixels');
    assert.equal(pixels.sha256, createHash('sha256').update(Buffer.from(Float32Array.of(0, 1, 2).buffer)).digest('hex'));
    assert.equal(loggedInput({ features: Array(2000).fill(1) }, 'tensor').inputRef?.of, 'features');
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readPredictionLog, type PredictionLogWarning } from '../../src/monitor/prediction-log/prediction-log-reader.ts';
import { PredictionLogWriter } from '../../src/monitor/prediction-log/prediction-log-writer.ts';
import { PREDICTION_LOG_VERSION, type PredictionRecord } from '../../src/monitor/prediction-log/prediction-record.ts';

async function readAll(dir: string): Promise<{ records: PredictionRecord[]; warnings: PredictionLogWarning[] }> {
  const warnings: PredictionLogWarning[] = [];
  const records: PredictionRecord[] = [];
  for await (const r of readPredictionLog(dir, { onWarning: (w) => warnings.push(w) })) records.push(r);
  return { records, warnings };
}

describe('prediction log: SIGKILL in the middle of logging', { timeout: 120_000 }, () => {
  it('leaves every record the OS had, whole and in order, and at most a torn last line per segment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deepline-prediction-log-kill-'));
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(import.meta.dirname, 'fixtures', 'prediction-log-child.ts'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // The last progress line the child printed before the kill: `<appended> <written>`.
    let reported = { appended: 0, written: 0 };
    let pending = '';
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      const last = lines.at(-1);
      if (last) {
        const [appended, written] = last.split(' ').map(Number);
        reported = { appended: appended!, written: written! };
      }
    });
    // Killed once it has written a few segments' worth (256 kB each, ~3 kB a record), well into logging.
    const deadline = Date.now() + 90_000;
    while (reported.written < 1_500) {
      if (Date.now() > deadline) assert.fail(`the child wrote ${reported.written} records in 90 s: ${stderr}`);
      if (child.exitCode !== null) assert.fail(`the child exited (${child.exitCode}): ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const atKill = { ...reported };
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    const { records, warnings } = await readAll(dir);
    const segments = readdirSync(join(dir, 'digits')).sort();
    // The bound: the count is at least what the writer had handed to the OS when it last said so
    // (≥ what it had appended then, minus what was still pending in memory, < 5 ms of records);
    // records appended after that line may or may not have been written before the kill.
    assert.ok(records.length >= atKill.written, `${records.length} records read, ${atKill.written} written before the kill (${atKill.appended} appended)`);
    // Whole records, in order, none lost in between and none twice: a prefix of what was appended.
    records.forEach((r, k) => assert.equal(r.request, `r${k}`, `record ${k}`));
    assert.ok(records.every((r) => r.embedding?.length === 256));
    // Anything skipped is a torn last line of a segment, reported as a warning (never an error).
    for (const w of warnings) {
      assert.equal(w.reason, 'torn', w.message);
      const lines = readFileSync(w.file, 'utf8').split('\n');
      assert.equal(w.line, lines.length, `${w.file}: the torn line is the last`);
    }
    assert.ok(warnings.length <= 1, `${warnings.length} torn lines in ${segments.length} segments: only the segment being written can have one`);
    if (warnings.length === 1) assert.equal(warnings[0]!.file, join(dir, 'digits', segments.at(-1)!));
    console.log(`# killed after ${atKill.written} written records (${atKill.appended} appended): ${records.length} read back from ${segments.length} segments, ${warnings.length} torn line`);

    // A server started after the kill logs on, in a segment of its own; nothing before is touched.
    const next = await PredictionLogWriter.open({ dir });
    for (let k = 0; k < 10; k++) {
      next.append({ v: PREDICTION_LOG_VERSION, time: new Date().toISOString(), model: 'digits', request: `after${k}`, instance: 0, latencyMs: 1, prediction: { value: k } });
    }
    await next.close();
    const after = await readAll(dir);
    assert.equal(after.records.length, records.length + 10);
    assert.deepEqual(after.records.slice(0, records.length), records);
    assert.deepEqual(after.warnings, warnings);
  });
});

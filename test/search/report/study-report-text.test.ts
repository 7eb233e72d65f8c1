import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatStudyText } from '../../../src/search/report/study-report-text.ts';
import { makeSummary, makeTrial } from './study-fixture.ts';

test('the header counts trials by outcome', () => {
  const trials = [
    ...Array.from({ length: 8 }, (_, i) => makeTrial(i, { params: { lr: i / 100, units: 16 * (1 + (i % 3)) }, values: [0.1 + i / 50, 1 + i, 1000 * (i + 1)] })),
    ...Array.from({ length: 3 }, (_, i) => makeTrial(8 + i, { state: 'pruned', values: [0.8, 1, 1000] })),
    makeTrial(11, { state: 'failed', error: 'boom' }),
    makeTrial(12, { state: 'failed', rejected: true, error: 'too slow' }),
  ];
  const text = formatStudyText(makeSummary(trials, { workers: 2, durationMs: 252_000, timeToBestMs: 123_000 }));
  const [header] = text.split('\n');
  assert.equal(header, 'search: tpe + asha, 13 trials (8 complete, 3 pruned, 1 failed, 1 rejected), 2 workers, 4m12s, best trial 1 after 2m03s');
  assert.match(text, /^best trial 1: 1 - accuracy 0\.1000, latency 1\.000 ms, 1,000 parameters, best epoch 3$/m);
  assert.match(text, /^ {2}params: lr=0 units=16$/m);
  assert.match(text, /^pareto front: trials 1$/m);
  assert.match(text, /^param importance: /m);
  assert.ok(!text.includes('\u001b['), 'no colour codes');
});

test('the trials table shows the 10 best by error, then how many more', () => {
  // Numbers 0..14 with errors in reverse, so the best 10 are trials 15 down to 6 (ids).
  const trials = Array.from({ length: 15 }, (_, i) => makeTrial(i, { values: [1 - i / 20, 1, 100] }));
  const text = formatStudyText(makeSummary(trials));
  const lines = text.split('\n');
  const head = lines.findIndex((l) => l.trimStart().startsWith('id '));
  assert.ok(head > 0, 'has a table header');
  const ids = lines.slice(head + 1, head + 11).map((l) => Number.parseInt(l.trim(), 10));
  assert.deepEqual(ids, [15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
  assert.equal(lines[head + 11], '  … 5 more');
  // Columns are fixed-width: every row puts the error at the same place.
  const at = lines.slice(head + 1, head + 11).map((l) => l.indexOf('0.'));
  assert.equal(new Set(at).size, 1);
});

test('no "more" line when every trial fits, and failed trials sort last', () => {
  const trials = [makeTrial(0, { state: 'failed' }), makeTrial(1, { values: [0.4, 1, 1] }), makeTrial(2, { state: 'pruned', values: [0.2, 1, 1] })];
  const text = formatStudyText(makeSummary(trials));
  assert.ok(!text.includes('more'));
  const rows = text.split('\n').filter((l) => /^ {2}\d/.test(l)).map((l) => Number.parseInt(l.trim(), 10));
  assert.deepEqual(rows, [3, 2, 1]);
  assert.match(text.split('\n')[0], /3 trials \(1 complete, 1 pruned, 1 failed\)/);
});

test('a study with nothing complete says so', () => {
  const text = formatStudyText(makeSummary([makeTrial(0, { state: 'failed' })], { durationMs: 4200 }));
  assert.match(text, /^search: tpe \+ asha, 1 trial \(0 complete, 1 failed\), 2 workers, 4\.2s, no trial completed$/m);
  assert.match(text, /pareto front: none/);
});

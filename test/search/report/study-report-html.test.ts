import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderStudyHtml } from '../../../src/search/report/study-report-html.ts';
import { makeSummary, makeTrial } from './study-fixture.ts';

function study() {
  const trials = [
    makeTrial(0, { params: { lr: 0.01, act: 'relu' }, values: [0.3, 2, 5000] }),
    makeTrial(1, { params: { lr: 0.001, act: 'tanh' }, values: [0.1, 8, 20000] }),
    makeTrial(2, { params: { lr: 0.1, act: '<script>alert(1)</script>' }, values: [0.2, 1, 3000] }),
    makeTrial(3, { state: 'pruned', params: { lr: 0.5, act: 'relu' }, values: [0.7, 1, 3000], epochs: 1 }),
    makeTrial(4, { state: 'failed', params: { lr: 0.2, act: 'gelu' }, error: 'out of memory <oom>' }),
    makeTrial(5, { state: 'failed', rejected: true, params: { lr: 0.2, act: 'relu' }, error: 'latency 90 ms > 50 ms' }),
    makeTrial(6, { params: { lr: 0.05, act: 'tanh' }, values: [0.4, 9, 30000] }),
  ];
  // Trials 2 (id 2), 3 (id 3) are on the front; id 2 is the chosen one.
  return makeSummary(trials, { paretoFront: [2, 3], name: 'study <&>' });
}

test('one table row per trial, front rows highlighted, best ringed', () => {
  const summary = study();
  const html = renderStudyHtml(summary);
  assert.ok(html.startsWith('<h2>Search</h2>'));
  const rows = [...html.matchAll(/<tr data-trial="(\d+)"( class="front")?/g)];
  assert.deepEqual(rows.map((m) => Number(m[1])), [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(rows.filter((m) => m[2]).map((m) => Number(m[1])), [2, 3]);
  // The scatter plot marks the same trials, among the complete ones only.
  const front = [...html.matchAll(/class="point front" data-id="(\d+)"/g)].map((m) => Number(m[1])).sort();
  assert.deepEqual(front, [2, 3]);
  const plain = [...html.matchAll(/class="point" data-id="(\d+)"/g)].map((m) => Number(m[1])).sort();
  assert.deepEqual(plain, [1, 7]);
  assert.equal(html.match(/class="best-ring"/g)?.length, 1);
  assert.match(html, /rejected/);
  assert.match(html, /Parameter importance/);
  assert.match(html, /Learning curves of the top 4/);
});

test('everything from the summary is escaped and there is no script', () => {
  const html = renderStudyHtml(study());
  assert.ok(!html.includes('<script'), 'no raw <script');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the param value appears escaped');
  assert.ok(!html.includes('study <&>'));
  assert.ok(html.includes('study &lt;&amp;&gt;'));
  assert.ok(!html.includes('<oom>'));
});

test('rows are capped with a note', () => {
  const trials = Array.from({ length: 130 }, (_, i) => makeTrial(i, { values: [0.5 + (i % 7) / 100, 1 + i, 100] }));
  const html = renderStudyHtml(makeSummary(trials));
  assert.equal(html.match(/<tr data-trial=/g)?.length, 100);
  assert.match(html, /Showing the first 100 of 130 trials/);
});

test('a study where nothing completed still renders', () => {
  const html = renderStudyHtml(makeSummary([makeTrial(0, { state: 'failed', error: 'boom' }), makeTrial(1, { state: 'failed' })]));
  assert.match(html, /No trial completed/);
  assert.equal(html.match(/<tr data-trial=/g)?.length, 2);
  assert.ok(!html.includes('<svg'));
});

test('latencies spread over decades get a log axis with decade ticks', () => {
  const trials = [0.1, 1, 10, 100].map((ms, i) => makeTrial(i, { values: [0.5 - i / 10, ms, 100] }));
  const html = renderStudyHtml(makeSummary(trials));
  assert.match(html, /latency ms per example \(log\)/);
  for (const tick of ['0.1', '1', '10', '100']) assert.ok(html.includes(`class="tick">${tick}</text>`), `tick ${tick}`);
  const narrow = renderStudyHtml(makeSummary([1, 2, 3].map((ms, i) => makeTrial(i, { values: [0.5 - i / 10, ms, 100] }))));
  assert.doesNotMatch(narrow, /\(log\)/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderStudyHtml } from '../../../src/search/report/study-report-html.ts';
import { makeSummary, makeTrial } from './study-fixture.ts';
import { paretoOption } from '../../../src/search/report/study-chart-options.ts';
import { chartTitled } from '../../render/charts/svg-chart-reader.ts';

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
  // The scatter plot marks the same trials, among the complete ones only: the option the page
  // draws has the dominated trials, the front and the chosen one as separate series.
  const option = paretoOption({ errorName: summary.errorName, trials: summary.trials, paretoFront: summary.paretoFront, bestId: summary.best?.trialId });
  const ids = (name: string) => ((option.series as { name: string; data: { name: string }[] }[]).find((s) => s.name === name)?.data ?? []).map((d) => Number(d.name)).sort();
  assert.deepEqual(ids('dominated'), [1, 7]);
  assert.deepEqual([...ids('Pareto front'), ...ids('chosen')].sort(), [2, 3]);
  const drawn = chartTitled(html, `Pareto front: ${summary.errorName} vs latency (size: parameters)`);
  const legend = [...drawn.legend.entries()];
  for (const [index, name] of legend) assert.equal(drawn.symbols(index), ids(name).length, `${name} points drawn`);
  assert.deepEqual(legend.map(([, name]) => name).sort(), summary.best ? ['Pareto front', 'chosen', 'dominated'].filter((n) => ids(n).length > 0).sort() : ['Pareto front', 'dominated']);
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
  const axis = chartTitled(html, 'Pareto front: 1 - accuracy vs latency (size: parameters)').svg;
  for (const tick of ['0.1', '1', '10', '100']) assert.match(axis, new RegExp(`text-anchor="middle"[^>]*>${tick.replace('.', '\\.')}</text>`), `tick ${tick}`);
  const narrow = renderStudyHtml(makeSummary([1, 2, 3].map((ms, i) => makeTrial(i, { values: [0.5 - i / 10, ms, 100] }))));
  assert.doesNotMatch(narrow, /\(log\)/);
});

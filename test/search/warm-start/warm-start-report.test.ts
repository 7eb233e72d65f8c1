import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderStudyHtml } from '../../../src/search/report/study-report-html.ts';
import { formatStudyText } from '../../../src/search/report/study-report-text.ts';
import type { WarmStartSummary } from '../../../src/search/warm-start/warm-start-search.ts';
import { makeSummary, makeTrial } from '../report/study-fixture.ts';

const WARM: WarmStartSummary = {
  metaFeatures: { modality: 'tabular', targetKind: 'class', rows: 178, features: 13, classes: 3, classEntropy: 0.98, minorityRatio: 0.8, skewness: 0.6, kurtosis: 1.2, binaryShare: 0, sparsity: 0, landmarker: 0.95 },
  enabled: true,
  neighbours: [
    { name: 'meta/blobs', label: 'blobs <5>', source: 'shipped', distance: 0.412, bestError: 0.0368, errorName: '1 - accuracy' },
    { name: 'search-ab12', label: 'my-wine', source: 'workspace', distance: 0.9, bestError: 0.05, errorName: '1 - accuracy' },
  ],
  seededTrials: [0, 2],
  priorConfigs: 7,
};
const trials = Array.from({ length: 4 }, (_, i) => makeTrial(i, { values: [0.1 + i / 50, 1, 100] }));

test('deepline show says which past tasks seeded the search, how near they were and which trials they seeded', () => {
  const text = formatStudyText(makeSummary(trials, { warmStart: WARM }));
  assert.match(text, /^warm start: from 2 past tasks \(trials 0, 2 ran their best configurations; 7 good configurations in TPE's prior\)$/m);
  assert.match(text, /^ {2}blobs <5> \(shipped\) distance 0\.412, its best 1 - accuracy 0\.03680$/m);
  assert.match(text, /^ {2}my-wine \(workspace\) distance 0\.900/m);
  assert.match(formatStudyText(makeSummary(trials, { warmStart: { ...WARM, enabled: false, neighbours: [], seededTrials: [] } })), /^warm start: off/m);
  assert.doesNotMatch(formatStudyText(makeSummary(trials)), /warm start/, 'older summaries say nothing');
});

test('report.html has a warm-start table, escaped, with the meta-features', () => {
  const html = renderStudyHtml(makeSummary(trials, { warmStart: WARM }));
  assert.match(html, /<h3>Warm start<\/h3>/);
  assert.ok(html.includes('blobs &lt;5&gt;') && !html.includes('blobs <5>'));
  assert.match(html, /0\.412/);
  assert.match(html, /linear landmarker 0\.95/);
  assert.doesNotMatch(renderStudyHtml(makeSummary(trials)), /Warm start/);
});

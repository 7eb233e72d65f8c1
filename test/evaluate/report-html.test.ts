import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClassificationMetrics, RegressionMetrics } from '../../src/evaluate/evaluation-metrics.ts';
import { renderReportHtml } from '../../src/evaluate/report-html.ts';
import { chartTitled } from '../render/charts/svg-chart-reader.ts';
import type { RunReport } from '../../src/evaluate/run-report.ts';

const history = [
  { epoch: 1, loss: 1.2, valLoss: 1.0, valMetric: 0.6, ms: 10 },
  { epoch: 2, loss: 0.7, valLoss: 0.6, valMetric: 0.8, ms: 10 },
  { epoch: 3, loss: 0.4, valLoss: 0.65, valMetric: 0.79, ms: 10 },
  { epoch: 4, loss: 0.3, valLoss: Number.NaN, valMetric: 0.7, ms: 10 },
];

const classification: ClassificationMetrics = {
  formatVersion: 1,
  kind: 'class',
  n: 20,
  accuracy: 0.75,
  macroF1: 0.7,
  classes: ['cat', 'dog', '<fish>'],
  perClass: [
    { class: 'cat', precision: 0.8, recall: 0.8, f1: 0.8, support: 10 },
    { class: 'dog', precision: 0.6, recall: 0.75, f1: 0.667, support: 8 },
    { class: '<fish>', precision: 1, recall: 0.5, f1: 0.667, support: 2 },
  ],
  confusion: [
    [8, 2, 0],
    [2, 6, 0],
    [0, 1, 1],
  ],
  latency: { singleMs: 0.42, batch32Ms: 1.5, engine: 'wasm' },
  durationMs: 120,
};

function report(metrics: ClassificationMetrics | RegressionMetrics): RunReport {
  return {
    formatVersion: 1,
    task: { name: 'pets <b>& co</b>', type: 'image-classification', target: 'animal', targetKind: metrics.kind, classes: metrics.kind === 'class' ? metrics.classes : undefined },
    data: {
      train: { n: 60, featureShape: [8, 8, 1], classCounts: [30, 24, 6] },
      validation: { n: 20, featureShape: [8, 8, 1], classCounts: [10, 8, 2] },
      test: { n: 20, featureShape: [8, 8, 1], classCounts: [10, 8, 2] },
    },
    model: { family: 'cnn', genome: { family: 'cnn', blocks: [] }, params: 13850, inputShape: [8, 8, 1] },
    training: { history, bestEpoch: 2, stoppedEarly: true, reason: 'early-stopping', metricName: 'accuracy', durationMs: 2500, family: 'cnn', params: 13850, engine: 'wasm', epochsRequested: 40 },
    metrics,
    timings: [
      { step: 'train', ms: 2500 },
      { step: 'evaluate', ms: 120 },
    ],
  };
}

describe('renderReportHtml', () => {
  const html = renderReportHtml(report(classification));

  it('draws train and validation loss curves as inline SVG, leaving out non-finite points', () => {
    const loss = chartTitled(html, 'loss per epoch');
    assert.deepEqual([...loss.legend.values()], ['train loss', 'validation loss']);
    assert.equal(loss.symbols(0), 4);
    assert.equal(loss.symbols(1), 3, 'the NaN epoch is skipped');
    const metric = chartTitled(html, 'validation accuracy per epoch');
    assert.equal(metric.legend.get(0), 'validation accuracy');
    assert.equal(metric.symbols(0), 4);
    assert.match(loss.svg, /best 2/);
  });

  it('draws every confusion-matrix cell with its count and the class names', () => {
    const cells = [...html.matchAll(/<rect class="cell" data-true="(\d)" data-pred="(\d)" data-count="(\d+)"/g)];
    assert.equal(cells.length, 9);
    for (const [, t, p, count] of cells) assert.equal(Number(count), classification.confusion[Number(t)][Number(p)]);
    assert.match(html, /true cat, predicted dog: 2/);
    assert.ok(html.includes('&lt;fish&gt;') && !html.includes('<fish>'), 'class names are escaped');
  });

  it('shows task, data, model, metrics and timings, escaped', () => {
    assert.ok(html.includes('pets &lt;b&gt;&amp; co&lt;/b&gt;') && !html.includes('<b>& co'));
    assert.match(html, /0\.7500/);
    assert.match(html, /13,850/);
    assert.match(html, /cat: 30, dog: 24, &lt;fish&gt;: 6/);
    assert.match(html, /0\.42 ms per single example/);
    assert.match(html, /<td>train<\/td><td>2\.5 s<\/td>/);
  });

  it('is self-contained: no scripts, stylesheets or remote resources', () => {
    assert.doesNotMatch(html, /<script|<link|src=|@import|url\(/i);
    assert.deepEqual([...new Set(html.match(/https?:\/\/[^"'\s)]+/g))], ['http://www.w3.org/2000/svg']);
  });

  it('shows regression metrics without a confusion matrix', () => {
    const regression: RegressionMetrics = { formatVersion: 1, kind: 'numeric', n: 20, rmse: 12.5, mae: 9.25, r2: 0.81, latency: classification.latency, durationMs: 5 };
    const page = renderReportHtml({ ...report(regression), training: { ...report(regression).training, metricName: 'rmse' } });
    assert.match(page, /<td>12\.5000<\/td><td>9\.2500<\/td><td>0\.8100<\/td>/);
    assert.doesNotMatch(page, /class="cell"/);
    assert.equal(chartTitled(page, 'validation rmse per epoch').legend.get(0), 'validation rmse');
  });
});

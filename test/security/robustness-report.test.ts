import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClassificationMetrics } from '../../src/evaluate/evaluation-metrics.ts';
import { renderReportHtml } from '../../src/evaluate/report-html.ts';
import type { RobustnessSummary } from '../../src/evaluate/robustness-summary.ts';
import { formatRobustnessText } from '../../src/evaluate/robustness-text.ts';
import { chartTitled } from '../render/charts/svg-chart-reader.ts';
import type { RunReport } from '../../src/evaluate/run-report.ts';

const metrics: ClassificationMetrics = {
  formatVersion: 1,
  kind: 'class',
  n: 20,
  accuracy: 0.95,
  macroF1: 0.95,
  classes: ['a', 'b'],
  perClass: [
    { class: 'a', precision: 1, recall: 0.9, f1: 0.95, support: 10 },
    { class: 'b', precision: 0.9, recall: 1, f1: 0.95, support: 10 },
  ],
  confusion: [
    [9, 1],
    [0, 10],
  ],
  latency: { singleMs: 0.4, batch32Ms: 1.5, engine: 'wasm' },
  durationMs: 120,
};

const measured: RobustnessSummary = {
  formatVersion: 1,
  status: 'measured',
  attack: 'pgd',
  options: { norm: 'linf', steps: 10, randomStart: true },
  epsilonUnit: 'range',
  examples: 20,
  testExamples: 20,
  cleanAccuracy: 0.95,
  curve: [
    { epsilon: 0, accuracy: 0.95 },
    { epsilon: 0.01, accuracy: 0.9 },
    { epsilon: 0.05, accuracy: 0.55 },
    { epsilon: 0.1, accuracy: 0.2 },
  ],
  skippedEpsilons: [0.2],
  minimal: { median: 0.0475, upper: 0.4, examples: 19, held: 1, rounds: 2 },
  gate: { epsilon: 0.05, minRobustAccuracy: 0.6, robustAccuracy: 0.55, passed: false },
  adversarialTraining: { attack: 'pgd', epsilon: 0.05, steps: 5 },
  durationMs: 800,
};

function report(robustness?: RobustnessSummary): RunReport {
  return {
    formatVersion: 1,
    task: { name: 'pair', type: 'tabular-classification', target: 'label', targetKind: 'class', classes: ['a', 'b'] },
    data: { train: { n: 60, featureShape: [4] }, validation: { n: 20, featureShape: [4] }, test: { n: 20, featureShape: [4] } },
    model: { family: 'mlp', genome: { family: 'mlp' }, params: 100, inputShape: [4] },
    training: { history: [{ epoch: 1, loss: 1, valLoss: 1, valMetric: 0.5, ms: 1 }], bestEpoch: 1, stoppedEarly: false, reason: 'max-epochs', metricName: 'accuracy', durationMs: 10, family: 'mlp', params: 100, engine: 'wasm', epochsRequested: 1 },
    metrics,
    timings: [],
    ...(robustness && { robustness }),
  };
}

describe('the security section of the report and of `deepline show`', () => {
  it('shows the curve as a table and an SVG chart, the minimal perturbation, the gate and the adversarial training', () => {
    const html = renderReportHtml(report(measured));
    assert.match(html, /<h2>Security<\/h2>/);
    assert.match(html, /accuracy under attack \(ε 0\.05\)<b>0\.5500<\/b>/, 'a headline card at the gate’s ε');
    assert.match(html, /<tr><td>0\.05<\/td><td>0\.5500<\/td><td>-40\.0 points<\/td><\/tr>/);
    const curve = chartTitled(html, 'accuracy against ε (pgd)');
    assert.equal(curve.legend.get(0), 'accuracy under pgd');
    assert.equal(curve.symbols(0), 4);
    assert.match(html, /Median smallest ε that flips a prediction: <b>0\.0475<\/b>/);
    assert.match(html, /Left out for want of time .*ε = 0\.2/);
    assert.match(html, /Release gate: accuracy under attack ≥ 0\.6 at ε = 0\.05 — <b>failed<\/b> \(measured 0\.5500\)/);
    assert.match(html, /trained on adversarial examples \(pgd, ε = 0\.05, 5 steps per batch\)/);
    assert.match(html, /pgd \(L∞, 10 steps, random start\)/);
  });

  it('says why nothing was measured, and leaves the section out without a measurement', () => {
    assert.match(renderReportHtml(report({ formatVersion: 1, status: 'skipped', reason: 'this task predicts a number' })), /Robustness was not measured: this task predicts a number\./);
    assert.doesNotMatch(renderReportHtml(report()), /<h2>Security<\/h2>/);
  });

  it('prints one line for `deepline show`', () => {
    assert.equal(
      formatRobustnessText(measured),
      'robustness  pgd (L∞, 10 steps, random start) on 20 test examples: clean 0.950 · ε 0.01: 0.900 · ε 0.05: 0.550 · ε 0.1: 0.200 · median minimal ε 0.048 · gate ≥ 0.6 at ε 0.05: FAILED · adversarially trained (pgd, ε 0.05)',
    );
    assert.equal(formatRobustnessText({ formatVersion: 1, status: 'skipped', reason: 'no reason' }), 'robustness  not measured: no reason');
  });
});

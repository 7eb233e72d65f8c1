import { renderStudyHtml } from '../search/report/study-report-html.ts';
import { escapeHtml } from '../render/escape-html.ts';
import { reportSection } from './report-section.ts';
import { headlineRobustness, renderRobustnessHtml } from './robustness-html.ts';
import { chosenArtifact, renderCompressionHtml } from './compression-html.ts';
import { renderEnsembleHtml } from './ensemble-html.ts';
import { formatBytes } from '../render/format-bytes.ts';
import type { DataSummary, RunReport } from './run-report.ts';
import { svgConfusionHeatmap } from '../render/svg-confusion-heatmap.ts';
import { renderChartSvg } from '../render/charts/render-chart-svg.ts';
import { learningCurveOptions } from './charts/learning-curve-options.ts';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;max-width:1060px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.sub{color:#57606a}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;min-width:120px}.card b{display:block;font-size:20px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:right}th{background:#f6f8fa}
td:first-child,th:first-child{text-align:left}pre{background:#f6f8fa;padding:8px;border-radius:6px;overflow:auto}
.charts{display:flex;flex-wrap:wrap;gap:16px}.bar{background:#2563eb;height:10px;display:inline-block}
svg .grid{stroke:#eaeef2}svg .frame{fill:none;stroke:#8c959f}svg .tick{font-size:11px;fill:#57606a}
svg .axis-label,svg .chart-title{font-size:12px;fill:#1f2328}svg .marker{stroke:#8c959f;stroke-dasharray:4 3}svg .count{font-size:11px}
`;

/**
 * A self-contained, script-free HTML page for a run report: inline CSS and inline SVG only. Its
 * charts are the UI's ECharts options drawn server-side (src/render/charts/), so both agree.
 */
export function renderReportHtml(report: RunReport): string {
  const { task, training, metrics } = report;
  const e = escapeHtml;
  const sections: string[] = [];
  sections.push(`<h1>${e(task.name)}</h1><div class="sub">${e(task.type)} · target <b>${e(task.target)}</b> (${task.targetKind === 'class' ? `${task.classes?.length ?? 0} classes` : 'numeric'}) · engine ${e(training.engine)}</div>`);
  sections.push(`<div class="cards">${headline(report).map(([k, v]) => `<div class="card">${e(k)}<b>${e(v)}</b></div>`).join('')}</div>`);

  sections.push('<h2>Data</h2>');
  const version = report.data.train.dataVersion;
  // The data report is published next to this page by the same run (data-report step).
  sections.push(`<p>Profile, cleaning, label-noise suspects and class balance: <a href="data-report.html">data report</a>.${version ? ` Data version <code>${e(version.slice(0, 16))}</code>.` : ''}</p>`);
  const splits: [string, DataSummary][] = [['train', report.data.train], ['validation', report.data.validation], ['test', report.data.test]];
  sections.push(table(['split', 'examples', 'example shape', task.targetKind === 'class' ? 'examples per class' : 'target mean ± std [min, max]'], splits.map(([name, s]) => [name, String(s.n), `[${s.featureShape.join(', ')}]`, summaryOfTarget(s, task.classes)])));

  sections.push('<h2>Model</h2>');
  sections.push(table(['family', 'parameters', 'input shape'], [[report.model.family, report.model.params.toLocaleString('en-US'), `[${report.model.inputShape.join(', ')}]`]]));
  sections.push(`<details open><summary>genome</summary><pre>${e(JSON.stringify(report.model.genome, null, 2))}</pre></details>`);

  if (report.ensemble) sections.push(renderEnsembleHtml(report.ensemble));
  sections.push('<h2>Training</h2>');
  sections.push(`<p>${training.history.length} of ${training.epochsRequested} epochs in ${seconds(training.durationMs)}; stopped: ${e(training.reason)}; weights from epoch ${training.bestEpoch}.${training.validatedOn === 'adversarial' ? ' Trained on adversarial examples: validation loss and accuracy are under the training attack.' : ''}</p>`);
  const curves = learningCurveOptions({ history: training.history, metricName: training.metricName, bestEpoch: training.bestEpoch, adversarial: training.validatedOn === 'adversarial' });
  const loss = renderChartSvg(curves.loss);
  const metric = renderChartSvg(curves.metric);
  sections.push(`<div class="charts">${loss}${metric}</div>`);

  sections.push(`<h2>Test set (${metrics.n} examples)</h2>`);
  if (metrics.kind === 'class') {
    sections.push(table(['accuracy', 'macro F1'], [[fixed(metrics.accuracy), fixed(metrics.macroF1)]]));
    sections.push(table(['class', 'precision', 'recall', 'F1', 'support'], metrics.perClass.map((c) => [c.class, fixed(c.precision), fixed(c.recall), fixed(c.f1), String(c.support)])));
    sections.push(`<h3>Confusion matrix</h3>${svgConfusionHeatmap(metrics.classes, metrics.confusion)}`);
  } else {
    sections.push(table(['RMSE', 'MAE', 'R²'], [[fixed(metrics.rmse), fixed(metrics.mae), fixed(metrics.r2)]]));
  }
  sections.push(`<p>Latency on ${e(metrics.latency.engine)}: ${metrics.latency.singleMs.toFixed(2)} ms per single example, ${metrics.latency.batch32Ms.toFixed(2)} ms per batch of 32.</p>`);
  // Filled in by `deepline bench-target` on the machine the model is to be served from.
  sections.push(reportSection('target-bench', '<h2>Target benchmark</h2><p>Not measured yet: run <code>deepline bench-target &lt;this folder&gt;</code> to measure latency and throughput per engine and batch size and choose how <code>deepline serve</code> runs the model.</p>'));

  if (report.compression) sections.push(renderCompressionHtml(report.compression));
  if (report.robustness) sections.push(renderRobustnessHtml(report.robustness));
  if (report.search) sections.push(renderStudyHtml(report.search));
  if (report.timings.length > 0) {
    sections.push('<h2>Timings</h2>');
    const longest = Math.max(...report.timings.map((t) => t.ms), 1);
    sections.push(table(['step', 'time', ''], report.timings.map((t) => [t.step, seconds(t.ms), `<span class="bar" style="width:${Math.max(1, Math.round((t.ms / longest) * 240))}px"></span>`]), 2));
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${e(task.name)} · deepline report</title><style>${STYLE}</style></head><body>${sections.join('\n')}</body></html>\n`;
}

function headline(report: RunReport): [string, string][] {
  const m = report.metrics;
  const figures: [string, string][] = m.kind === 'class' ? [['test accuracy', fixed(m.accuracy)], ['test macro F1', fixed(m.macroF1)]] : [['test RMSE', fixed(m.rmse)], ['test R²', fixed(m.r2)]];
  const robust = report.robustness?.status === 'measured' ? headlineRobustness(report.robustness) : undefined;
  if (robust) figures.push([`accuracy under attack (ε ${robust.epsilon})`, fixed(robust.accuracy)]);
  if (report.compression) {
    const { variant, artifact } = chosenArtifact(report.compression);
    figures.push([`published model (${variant.name})`, `${formatBytes(artifact.bytes)}, ${report.compression.metric.name} ${fixed(artifact.metric)}`]);
  }
  return [...figures, ['parameters', report.model.params.toLocaleString('en-US')], ['epochs', String(report.training.history.length)], ['training time', seconds(report.training.durationMs)]];
}

function summaryOfTarget(s: DataSummary, classes: readonly string[] | undefined): string {
  if (s.classCounts) return s.classCounts.map((c, i) => `${classes?.[i] ?? i}: ${c}`).join(', ');
  if (s.targetStats) return `${fixed(s.targetStats.mean)} ± ${fixed(s.targetStats.std)} [${fixed(s.targetStats.min)}, ${fixed(s.targetStats.max)}]`;
  return '';
}

/** An HTML table; cells are escaped except those in columns from `rawFrom` on (pre-rendered markup). */
function table(head: string[], rows: string[][], rawFrom = Infinity): string {
  const cell = (v: string, i: number): string => (i >= rawFrom ? v : escapeHtml(v));
  return `<table><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>${rows.map((row) => `<tr>${row.map((v, i) => `<td>${cell(v, i)}</td>`).join('')}</tr>`).join('')}</table>`;
}

function fixed(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : String(v);
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

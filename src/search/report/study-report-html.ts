import { escapeHtml } from '../../render/escape-html.ts';
import { renderChartSvg } from '../../render/charts/render-chart-svg.ts';
import type { StudySummary, StudySummaryTrial } from '../study-summary.ts';
import { paramImportances } from './param-importance.ts';
import { bestSoFarOption, paretoOption, topCurvesOption, TOP_CURVES, type StudyChartInput } from './study-chart-options.ts';
import { abbreviateParams, formatParamValue, studyOverview, trialDurationMs } from './study-overview.ts';
import { describeWarmStart } from '../warm-start/describe-warm-start.ts';

const MAX_ROWS = 100;
/** Inline, because the page's stylesheet belongs to the run report; these rows stand out without it. */
const FRONT_ROW = 'background:#fff7ed';

/**
 * The search section of the run report (starts with `<h2>Search</h2>`): overview, best trial,
 * best-so-far curve, Pareto plot, learning curves, parameter importances and the trials table.
 * Script-free; every value from the summary is escaped.
 */
export function renderStudyHtml(summary: StudySummary): string {
  const e = escapeHtml;
  const { counts, headline, ranked } = studyOverview(summary);
  const front = new Set(summary.paretoFront);
  const bestId = summary.best?.trialId;
  const parts: string[] = ['<h2>Search</h2>'];
  parts.push(`<p>Search <b>${e(summary.name)}</b> over family <b>${e(summary.family)}</b> on ${e(summary.engine)}: ${e(headline)}.${budget(summary)}</p>`);
  if (counts.complete === 0) parts.push('<p>No trial completed, so there is no best trial or Pareto front.</p>');
  if (summary.warmStart) {
    const w = summary.warmStart;
    parts.push('<h3>Warm start</h3>', `<p>${e(describeWarmStart(w)[0])}.</p>`);
    if (w.neighbours.length > 0) parts.push(table(['past task', 'from', 'distance', 'its best error'], w.neighbours.map((n) => [n.label, n.source, n.distance.toFixed(3), `${fixed(n.bestError)} (${n.errorName})`])));
    const m = w.metaFeatures;
    parts.push(`<p class="sub">This task's meta-features: ${m.rows} rows, ${m.features} features, ${m.classes > 0 ? `${m.classes} classes (entropy ${m.classEntropy}, minority ratio ${m.minorityRatio})` : 'numeric target'}, linear landmarker ${m.landmarker}, mean |skewness| ${m.skewness}, binary features ${m.binaryShare}, zeros ${m.sparsity}.</p>`);
  }

  if (summary.best) {
    const b = summary.best;
    parts.push(`<h3>Best trial ${e(String(b.trialId))}</h3>`);
    parts.push(table(['error (' + summary.errorName + ')', 'latency ms', 'parameters', 'best epoch', 'learning rate', 'batch size', 'epochs'], [[fixed(b.values[0]), fixed(b.values[1], 3), count(b.values[2]), String(b.bestEpoch), formatParamValue(b.training.learningRate), String(b.training.batchSize), String(b.training.epochs)]]));
    const params = Object.entries(b.params);
    if (params.length > 0) parts.push(table(['param', 'value'], params.map(([k, v]) => [k, formatParamValue(v)])));
  }

  // The charts are the UI's Search page options, drawn server-side.
  const input: StudyChartInput = { errorName: summary.errorName, trials: summary.trials, paretoFront: summary.paretoFront, bestId };
  const charts: string[] = [];
  if (ranked.length > 0) charts.push(renderChartSvg(bestSoFarOption(input)));
  if (summary.trials.some((t) => t.state === 'complete' && !t.rejected && Number.isFinite(t.values?.[0]) && Number.isFinite(t.values?.[1]))) charts.push(renderChartSvg(paretoOption(input)));
  if (charts.length > 0) parts.push(`<div class="charts">${charts.join('')}</div>`);
  if (summary.paretoFront.length > 0) parts.push(`<p>Pareto front (${e(summary.errorName)}, latency, parameters): trials ${summary.paretoFront.map((id) => `<b>${e(String(id))}</b>`).join(', ')}${bestId !== undefined ? `; chosen: trial ${e(String(bestId))} (ringed)` : ''}.</p>`);

  const top = ranked.slice(0, TOP_CURVES).filter((t) => t.curve.length > 0);
  if (top.length > 0) {
    parts.push(`<h3>Learning curves of the top ${top.length}</h3>`);
    parts.push(renderChartSvg(topCurvesOption(input), { width: 720, height: 300 }));
  }

  const importances = paramImportances(summary.trials);
  if (importances.length > 0) {
    parts.push('<h3>Parameter importance</h3>');
    parts.push(`<p class="sub">Share of the variance of ${e(summary.errorName)} across trials that each parameter explains on its own (one-way ANOVA; numeric values in quartile bins).</p>`);
    parts.push(table(['param', 'importance', ''], importances.map((p) => [p.param, p.importance.toFixed(3), `<span class="bar" style="width:${Math.max(1, Math.round(p.importance * 240))}px"></span>`]), 2));
  }

  parts.push(`<h3>Trials</h3>`);
  const rows = summary.trials.slice().sort((a, b) => a.number - b.number);
  const shown = rows.slice(0, MAX_ROWS);
  const head = ['id', 'state', summary.errorName, 'latency ms', 'parameters', 'epochs', 'duration s', 'hyper-parameters'];
  const body = shown.map((t) => {
    const inFront = front.has(t.id);
    const attrs = ` data-trial="${e(String(t.id))}"${inFront ? ` class="front" style="${FRONT_ROW}"` : ''}`;
    const id = `${t.id}${t.id === bestId ? ' ★' : ''}`;
    const cells = [id, stateOf(t), fixed(t.values?.[0]), fixed(t.values?.[1], 3), count(t.values?.[2]), String(t.curve.length), seconds(trialDurationMs(t)), abbreviateParams(t.params, 80)];
    const title = t.error ? ` title="${e(t.error)}"` : '';
    return `<tr${attrs}${title}>${cells.map((c, i) => `<td>${i === 0 && inFront ? `<b>${e(c)}</b>` : e(c)}</td>`).join('')}</tr>`;
  });
  parts.push(`<table><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr>${body.join('')}</table>`);
  if (rows.length > shown.length) parts.push(`<p class="sub">Showing the first ${shown.length} of ${rows.length} trials; <code>deepline show</code> lists them by error.</p>`);
  parts.push('<p class="sub">Highlighted rows are on the Pareto front; ★ marks the chosen trial.</p>');
  return parts.join('\n');
}

function budget(summary: StudySummary): string {
  const b: string[] = [];
  if (summary.budget.trials !== undefined) b.push(`${summary.budget.trials} trials`);
  if (summary.budget.minutes !== undefined) b.push(`${summary.budget.minutes} minutes`);
  const c: string[] = [];
  if (summary.constraints.maxLatencyMs !== undefined) c.push(`latency ≤ ${summary.constraints.maxLatencyMs} ms`);
  if (summary.constraints.maxParams !== undefined) c.push(`parameters ≤ ${summary.constraints.maxParams.toLocaleString('en-US')}`);
  if (summary.constraints.maxMemoryMB !== undefined) c.push(`memory ≤ ${summary.constraints.maxMemoryMB} MB`);
  const text = `${b.length ? ` Budget: ${b.join(', ')}.` : ''}${c.length ? ` Constraints: ${c.join(', ')}.` : ''}`;
  return escapeHtml(text);
}

function stateOf(t: StudySummaryTrial): string {
  const base = t.rejected ? 'rejected' : t.state === 'running' ? 'interrupted' : t.state;
  return t.retryOf !== undefined ? `${base} (retry of ${t.retryOf})` : base;
}

/** An HTML table; cells are escaped except those in columns from `rawFrom` on (pre-rendered markup). */
function table(head: string[], rows: string[][], rawFrom = Infinity): string {
  const cell = (v: string, i: number): string => (i >= rawFrom ? v : escapeHtml(v));
  return `<table><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>${rows.map((row) => `<tr>${row.map((v, i) => `<td>${cell(v, i)}</td>`).join('')}</tr>`).join('')}</table>`;
}

function fixed(v: number | undefined, digits = 4): string {
  return v === undefined ? '-' : Number.isFinite(v) ? v.toFixed(digits) : String(v);
}

function count(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '-' : Math.round(v).toLocaleString('en-US');
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '-' : (ms / 1000).toFixed(1);
}

import { escapeHtml as e } from '../../render/escape-html.ts';
import { htmlPage } from '../../render/html-page.ts';
import { renderChartSvg } from '../../render/charts/render-chart-svg.ts';
import { lineChartOption } from '../../render/charts/line-chart-option.ts';
import type { DriftCheck } from './detect-drift.ts';
import type { DriftSample } from './drift-detector.ts';

export interface DriftReportInput {
  readonly model: string;
  readonly version?: string | number;
  readonly check: DriftCheck;
  readonly windowSize: number;
  readonly from?: string;
  readonly to?: string;
  readonly reference: Readonly<Record<string, DriftSample>>;
  readonly window: Readonly<Record<string, DriftSample>>;
  /** Features the window had no values for, so they were not tested. */
  readonly untested?: readonly string[];
}

const fmt = (v: number | undefined): string => (v === undefined ? '' : v === 0 ? '0' : Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toPrecision(3));

/**
 * The drift report (HTML, script-free): the verdict, every feature's test with its corrected
 * p-value, and per feature a picture of reference against window — the two ECDFs for numbers,
 * the two category shares for categories.
 */
export function renderDriftReportHtml(input: DriftReportInput): string {
  const { check } = input;
  const verdict = check.drift
    ? `<p class="alarm">Drift in ${check.drifted.length} of ${check.features.length} features: ${check.drifted.map(e).join(', ')}</p>`
    : `<p class="ok">No drift in ${check.features.length} features</p>`;
  const rows = check.features
    .map(
      (f) =>
        `<tr><td>${e(f.feature)}</td><td>${f.kind}</td><td>${e(f.detector)}</td><td>${fmt(f.statistic)}</td><td>${fmt(f.pValue)}</td><td>${fmt(f.adjustedPValue)}</td><td>${f.threshold === undefined ? '' : fmt(f.threshold)}</td><td class="${f.drift ? 'alarm' : 'ok'}">${f.drift ? 'drift' : 'ok'}</td></tr>`,
    )
    .join('');
  const charts = check.features.map((f) => featureChart(f.feature, input.reference[f.feature], input.window[f.feature])).filter(Boolean);
  return htmlPage(`${input.model} drift`, [
    `<h1>Drift: ${e(input.model)}${input.version !== undefined ? ` v${e(String(input.version))}` : ''}</h1>`,
    `<p class="sub">${input.windowSize} logged predictions${input.from ? ` from ${e(input.from)} to ${e(input.to ?? '')}` : ''} against the training reference · alpha ${check.alpha}, ${check.correction} correction</p>`,
    verdict,
    `<h2>Features</h2><table><tr><th>feature</th><th>kind</th><th>test</th><th>statistic</th><th>p</th><th>p (corrected)</th><th>threshold</th><th></th></tr>${rows}</table>`,
    ...(input.untested && input.untested.length > 0 ? [`<p class="sub">Not tested (no values in the window): ${input.untested.map(e).join(', ')}</p>`] : []),
    `<h2>Reference and window</h2><div class="charts">${charts.join('')}</div>`,
  ]);
}

function featureChart(name: string, reference: DriftSample | undefined, window: DriftSample | undefined): string {
  if (!reference || !window) return '';
  if (reference.kind === 'numeric' && window.kind === 'numeric') {
    const option = lineChartOption({ title: name, xLabel: 'value (ECDF)', series: [{ name: 'reference', color: '#57606a', points: ecdf(reference.values) }, { name: 'window', color: '#cf222e', points: ecdf(window.values) }] });
    return renderChartSvg(option, { width: 340, height: 220 });
  }
  if (reference.kind === 'categorical' && window.kind === 'categorical') {
    const names = [...new Set([...Object.keys(reference.counts), ...Object.keys(window.counts)])].sort();
    const share = (counts: Readonly<Record<string, number>>, k: string): number => (Object.hasOwn(counts, k) ? counts[k]! : 0) / Math.max(1, Object.values(counts).reduce((a, b) => a + b, 0));
    const rows = names.map((k) => `<tr><td>${e(k)}</td><td>${(100 * share(reference.counts, k)).toFixed(1)}%</td><td>${(100 * share(window.counts, k)).toFixed(1)}%</td></tr>`).join('');
    return `<div><b>${e(name)}</b><table><tr><th>category</th><th>reference</th><th>window</th></tr>${rows}</table></div>`;
  }
  return '';
}

/** The empirical CDF as step points, thinned to at most 200. */
function ecdf(values: ArrayLike<number>): [number, number][] {
  const sorted = Float64Array.from(values).sort();
  const step = Math.max(1, Math.floor(sorted.length / 200));
  const points: [number, number][] = [];
  for (let i = 0; i < sorted.length; i += step) points.push([sorted[i]!, (i + 1) / sorted.length]);
  if (sorted.length > 0) points.push([sorted[sorted.length - 1]!, 1]);
  return points;
}

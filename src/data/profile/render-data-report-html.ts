import { escapeHtml } from '../../render/escape-html.ts';
import type { Anomaly } from '../schema/anomaly.ts';
import type { ColumnProfile, DataProfile, ImageProfile, NumericStats, TableProfile, TargetProfile } from './data-profile.ts';
import type { DataReportExtras, LabelNoiseSuspect } from './data-report.ts';
import { svgHistogram } from './svg-histogram.ts';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;max-width:1100px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
.sub{color:#57606a}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;min-width:110px}.card b{display:block;font-size:20px}
.card.bad{border-color:#cf222e}.card.warn{border-color:#bf8700}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:right;vertical-align:top}th{background:#f6f8fa}
td.l,th.l{text-align:left}.bar{background:#2563eb;height:10px;display:inline-block;vertical-align:middle}.bar.assoc{background:#16a34a}
.error{color:#cf222e;font-weight:600}.warning{color:#9a6700;font-weight:600}.muted{color:#57606a}
details{margin:6px 0;border:1px solid #d0d7de;border-radius:6px;padding:6px 10px}summary{cursor:pointer;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}img.strip{image-rendering:pixelated;display:block}
svg .frame{fill:none;stroke:#d0d7de}svg .tick{font-size:10px;fill:#57606a}svg .chart-title{font-size:12px;fill:#1f2328}
`;

/** Columns drawn in full; the overview table lists them all and data-profile.json has every detail. */
const DETAILED_COLUMNS = 60;
/** Column details shown unfolded. */
const OPEN_COLUMNS = 8;

const MEASURE_NAMES = { pearson: 'Pearson r', eta: 'η', 'cramers-v': 'Cramér\u2019s V' } as const;

/**
 * The data report as one self-contained, script-free HTML page (inline CSS, SVG and PNG data
 * URIs): headline figures, anomalies against the schema, the target's distribution, every column
 * (statistics, histograms, top values, text tokens, association with the target) or, for images,
 * pixel statistics and example strips per class, and the label-noise suspects and cleaning counts
 * other steps pass in `extras`.
 */
export function renderDataReportHtml(profile: DataProfile, anomalies?: readonly Anomaly[], extras: DataReportExtras = {}): string {
  const e = escapeHtml;
  const title = extras.title ?? 'Data report';
  const sections: string[] = [];
  const what = profile.kind === 'table' ? `${count(profile.rows)} rows × ${profile.columns.length} columns` : `${count(profile.count)} images of ${profile.width}×${profile.height}×${profile.channels}`;
  sections.push(`<h1>${e(title)}</h1><div class="sub">${extras.source ? `${e(extras.source)} · ` : ''}${e(what)} · target <b>${e(profile.target.name)}</b></div>`);
  sections.push(cards(profile, anomalies));
  if (anomalies) sections.push(anomalySection(anomalies));
  if (extras.warnings && extras.warnings.length > 0) {
    sections.push(`<h2>Reader warnings</h2><ul>${extras.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul>`);
  }
  sections.push(targetSection(profile.target));
  if (profile.kind === 'table') sections.push(...tableSections(profile));
  else sections.push(...imageSections(profile));
  if (extras.cleaning) {
    sections.push('<h2>Cleaning</h2>');
    const rows = Object.entries(extras.cleaning);
    sections.push(rows.length === 0 ? '<p class="muted">Nothing was changed.</p>' : table(['what', 'count'], rows.map(([k, v]) => [e(k), count(v)])));
  }
  if (extras.labelNoise) sections.push(labelNoiseSection(extras.labelNoise.suspects));
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${e(title)} · deepline</title><style>${STYLE}</style></head><body>${sections.join('\n')}</body></html>\n`;
}

function cards(profile: DataProfile, anomalies: readonly Anomaly[] | undefined): string {
  const items: [string, string, string?][] = [];
  if (profile.kind === 'table') {
    const cells = profile.rows * profile.columns.length;
    const missing = profile.columns.reduce((a, c) => a + c.missing, 0);
    items.push(['rows', count(profile.rows)], ['columns', String(profile.columns.length)], ['missing cells', pct(cells > 0 ? missing / cells : 0), missing > 0 ? 'warn' : undefined]);
  } else {
    items.push(['images', count(profile.count)], ['size', `${profile.width}×${profile.height}×${profile.channels}`], ['blank images', count(profile.constantImages), profile.constantImages > 0 ? 'warn' : undefined]);
  }
  items.push([profile.kind === 'table' ? 'duplicate rows' : 'duplicate images', count(profile.duplicates.rows), profile.duplicates.rows > 0 ? 'warn' : undefined]);
  if (profile.duplicates.conflictingLabels > 0) items.push(['conflicting labels', count(profile.duplicates.conflictingLabels), 'bad']);
  const t = profile.target;
  if (t.kind === 'class') {
    items.push(['classes', String(t.classes.filter((c) => c.count > 0).length)]);
    items.push(['imbalance', `${fixed(t.imbalanceRatio, 2)}×`, t.imbalanceRatio >= 3 ? 'warn' : undefined]);
  } else {
    items.push([`${t.name} mean`, num(t.stats.mean)]);
  }
  if (anomalies) {
    const errors = anomalies.filter((a) => a.severity === 'error').length;
    items.push(['errors / warnings', `${errors} / ${anomalies.length - errors}`, errors > 0 ? 'bad' : anomalies.length > 0 ? 'warn' : undefined]);
  }
  return `<div class="cards">${items.map(([k, v, cls]) => `<div class="card${cls ? ` ${cls}` : ''}">${escapeHtml(k)}<b>${escapeHtml(v)}</b></div>`).join('')}</div>`;
}

function anomalySection(anomalies: readonly Anomaly[]): string {
  if (anomalies.length === 0) return '<h2>Anomalies</h2><p>None: the data matches the schema.</p>';
  const order = [...anomalies].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  const rows = order.map((a) => [`<span class="${a.severity}">${a.severity}</span>`, escapeHtml(a.column), escapeHtml(a.kind), escapeHtml(a.message)]);
  const errors = anomalies.filter((a) => a.severity === 'error').length;
  return `<h2>Anomalies: ${errors} error${errors === 1 ? '' : 's'}, ${anomalies.length - errors} warning${anomalies.length - errors === 1 ? '' : 's'}</h2>${table(['severity', 'column', 'kind', 'message'], rows, [0, 1, 2, 3])}`;
}

function targetSection(t: TargetProfile): string {
  const head = `<h2>Target: ${escapeHtml(t.name)}</h2>`;
  const missing = t.missing > 0 ? `<p class="warning">${count(t.missing)} rows have no target value.</p>` : '';
  if (t.kind === 'numeric') {
    return `${head}${missing}<div class="charts">${svgHistogram({ title: `${t.name} distribution`, histogram: t.stats.histogram, width: 420, height: 180 })}${statsTable(t.stats)}</div>`;
  }
  const top = Math.max(...t.classes.map((c) => c.count), 1);
  const rows = t.classes.map((c) => [escapeHtml(c.value), count(c.count), pct(c.share), bar(c.count / top)]);
  const note =
    t.imbalanceRatio === 1
      ? `<p>Balanced: every class has ${count(t.classes.find((c) => c.count > 0)?.count ?? 0)} rows.</p>`
      : `<p>Largest class <b>${escapeHtml(t.majority)}</b>, smallest <b>${escapeHtml(t.minority)}</b>: imbalance ratio ${fixed(t.imbalanceRatio, 2)}, balance (normalised entropy) ${fixed(t.balance, 3)}.</p>`;
  return `${head}${missing}${note}${table(['class', 'rows', 'share', ''], rows, [0, 3])}`;
}

function tableSections(p: TableProfile): string[] {
  const out: string[] = ['<h2>Columns</h2>'];
  const rows = p.columns.map((c) => [
    `${escapeHtml(c.name)}${c.isTarget ? ' <span class="muted">(target)</span>' : ''}`,
    c.type,
    pct(c.missingRate),
    count(c.distinct),
    escapeHtml(summary(c)),
    c.association ? `${MEASURE_NAMES[c.association.measure]} = ${fixed(c.association.value, 3)}` : '',
    c.association ? bar(Math.abs(c.association.value), 'assoc') : '',
  ]);
  out.push(table(['column', 'type', 'missing', 'distinct', 'summary', 'association with target', ''], rows, [0, 4, 5, 6]));
  out.push('<p class="muted">Association: Pearson r (numeric feature, numeric target), correlation ratio η (numeric feature and class target, or category and numeric target), bias-corrected Cramér\u2019s V (category and class target). η and V run from 0 (none) to 1.</p>');
  const features = p.columns.filter((c) => !c.isTarget);
  // Strongest first, so a capped list keeps the columns that matter most.
  const strength = (c: ColumnProfile): number => (c.association ? Math.abs(c.association.value) : -1);
  const ranked = [...features].sort((a, b) => strength(b) - strength(a));
  const shown = ranked.slice(0, DETAILED_COLUMNS);
  out.push('<h2>Column details</h2>');
  if (shown.length < features.length) out.push(`<p class="muted">The ${shown.length} columns most associated with the target; data-profile.json has all ${features.length}.</p>`);
  // Small tables open every column; large ones stay folded so the page can be scanned.
  shown.forEach((c, i) => out.push(columnDetails(c, i < OPEN_COLUMNS)));
  return out;
}

function columnDetails(c: ColumnProfile, open: boolean): string {
  const e = escapeHtml;
  const head = `<details${open ? ' open' : ''}><summary>${e(c.name)} <span class="muted">${c.type} · ${pct(c.missingRate)} missing · ${count(c.distinct)} distinct</span></summary>`;
  if (c.type === 'categorical') {
    const top = Math.max(...c.topValues.map((v) => v.count), 1);
    const rows = c.topValues.map((v) => [e(v.value), count(v.count), bar(v.count / top)]);
    if (c.otherCount > 0) rows.push(['<span class="muted">other values</span>', count(c.otherCount), '']);
    return `${head}${table(['value', 'rows', ''], rows, [0, 2])}</details>`;
  }
  if (c.type === 'text') {
    const t = c.text;
    const charts = `<div class="charts">${svgHistogram({ title: 'characters per value', histogram: t.characters.histogram })}${svgHistogram({ title: 'tokens per value', histogram: t.tokens.histogram })}</div>`;
    const info = `<p>Vocabulary: ${count(t.vocabularySize)} tokens; ${num(t.tokens.mean)} tokens per value on average (median ${num(t.tokens.quantiles.p50)}).</p>`;
    const topTokens = `<h3>Top tokens</h3><p>${t.topTokens.map((v) => `${e(v.value)} <span class="muted">${count(v.count)}</span>`).join(' · ')}</p>`;
    const perClass = t.topTokensPerClass
      ? `<h3>Top tokens per class</h3>${table(
          ['class', 'tokens (count, lift)'],
          t.topTokensPerClass.map((k) => [e(k.class), k.tokens.map((v) => `${e(v.value)} <span class="muted">${count(v.count)}, ×${fixed(v.lift, 1)}</span>`).join(' · ')]),
          [0, 1],
        )}`
      : '';
    return `${head}${info}${charts}${topTokens}${perClass}</details>`;
  }
  const formatX = c.type === 'date' ? formatDate : undefined;
  return `${head}<div class="charts">${svgHistogram({ title: c.name, histogram: c.stats.histogram, width: 420, height: 170, formatX })}${statsTable(c.stats, c.type === 'date')}</div></details>`;
}

function statsTable(s: NumericStats, date = false): string {
  const v = (x: number): string => (date ? formatDate(x) : num(x));
  const q = s.quantiles;
  const rows: [string, string][] = [
    ['min', v(s.min)],
    ['p1 / p5', `${v(q.p1)} / ${v(q.p5)}`],
    ['p25 / median / p75', `${v(q.p25)} / ${v(q.p50)} / ${v(q.p75)}`],
    ['p95 / p99', `${v(q.p95)} / ${v(q.p99)}`],
    ['max', v(s.max)],
    ['mean ± std', date ? v(s.mean) : `${num(s.mean)} ± ${num(s.std)}`],
    ['zeros', count(s.zeros)],
  ];
  if (s.infinite > 0) rows.push(['infinite', count(s.infinite)]);
  return table(['statistic', 'value'], rows.map(([k, x]) => [k, escapeHtml(x)]));
}

function summary(c: ColumnProfile): string {
  if (c.type === 'categorical') return c.topValues.length > 0 ? `top: ${c.topValues[0].value} (${pct(c.topValues[0].count / Math.max(1, c.rows - c.missing))})` : '';
  if (c.type === 'text') return `${num(c.text.tokens.mean)} tokens/value, vocabulary ${count(c.text.vocabularySize)}`;
  if (c.stats.count === 0) return 'no values';
  if (c.type === 'boolean') return `${pct(c.stats.mean)} true`;
  if (c.type === 'date') return `${formatDate(c.stats.min)} to ${formatDate(c.stats.max)}`;
  return `${num(c.stats.mean)} ± ${num(c.stats.std)} [${num(c.stats.min)}, ${num(c.stats.max)}]`;
}

function imageSections(p: ImageProfile): string[] {
  const out: string[] = ['<h2>Pixels</h2>'];
  const names = p.channels === 3 ? ['red', 'green', 'blue'] : p.channels === 1 ? ['grey'] : p.channelStats.map((_, c) => `channel ${c}`);
  const colours = p.channels === 3 ? ['#dc2626', '#16a34a', '#2563eb'] : ['#57606a'];
  out.push(table(['channel', 'mean', 'std', 'min', 'max'], p.channelStats.map((c, i) => [names[i], num(c.mean), num(c.std), num(c.min), num(c.max)])));
  out.push(`<div class="charts">${p.channelStats.map((c, i) => svgHistogram({ title: `${names[i]} pixel values (log scale)`, histogram: c.histogram, color: colours[i % colours.length], log: true })).join('')}</div>`);
  if (p.samples.length > 0) {
    out.push('<h2>Examples per class</h2><p class="muted">First image of each row: the mean image of the class.</p>');
    const rows = p.samples.map((s, k) => [
      escapeHtml(s.class),
      p.classMeanIntensity ? num(p.classMeanIntensity[k]) : '',
      s.png ? `<img class="strip" alt="examples of ${escapeHtml(s.class)}" src="${escapeHtml(s.png)}">` : `<span class="muted">examples ${s.indices.join(', ')}</span>`,
    ]);
    out.push(table(['class', 'mean pixel', 'mean image, then examples'], rows, [0, 2]));
  }
  return out;
}

function labelNoiseSection(suspects: readonly LabelNoiseSuspect[]): string {
  const head = `<h2>Label-noise suspects (${count(suspects.length)})</h2>`;
  if (suspects.length === 0) return `${head}<p>No example's label looks unlikely.</p>`;
  const shown = [...suspects].sort((a, b) => b.confidence - a.confidence).slice(0, 200);
  const rows = shown.map((s) => [String(s.row), escapeHtml(s.given), escapeHtml(s.predicted), fixed(s.confidence, 3)]);
  const more = suspects.length > shown.length ? `<p class="muted">The ${shown.length} most confident of ${count(suspects.length)}; data-profile.json lists all.</p>` : '';
  return `${head}<p class="muted">Examples whose given label a cross-validated model finds unlikely, most confident first.</p>${table(['row', 'given label', 'predicted', 'confidence'], rows, [1, 2])}${more}`;
}

/** An HTML table of pre-escaped cells; columns in `left` are left-aligned. */
function table(head: readonly string[], rows: readonly (readonly string[])[], left: readonly number[] = [0]): string {
  const cls = (i: number): string => (left.includes(i) ? ' class="l"' : '');
  return `<table><tr>${head.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('')}</tr>${rows.map((row) => `<tr>${row.map((v, i) => `<td${cls(i)}>${v}</td>`).join('')}</tr>`).join('')}</table>`;
}

function bar(share: number, cls = ''): string {
  const w = Number.isFinite(share) ? Math.max(1, Math.round(Math.min(1, share) * 160)) : 0;
  return `<span class="bar${cls ? ` ${cls}` : ''}" style="width:${w}px"></span>`;
}

/** A day, or a day and minute when the value is not midnight UTC (quantiles of dates fall between days). */
function formatDate(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const iso = new Date(ms).toISOString();
  return ms % 86_400_000 === 0 ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

function count(v: number): string {
  return v.toLocaleString('en-US');
}

function pct(share: number): string {
  if (!Number.isFinite(share)) return '–';
  const p = share * 100;
  return `${p === 0 || p >= 10 ? p.toFixed(0) : p.toFixed(1)}%`;
}

function fixed(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '–';
}

function num(v: number): string {
  // A profile read back from JSON has null where NaN was (no values to summarise).
  if (typeof v !== 'number' || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return count(v);
  return Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3 ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

import { escapeHtml } from './escape-html.ts';
import { niceTicks, r, spread } from './svg-axis.ts';

/** How a point is drawn: plain (grey), highlighted (e.g. on the Pareto front), or ringed as the best. */
export type ScatterPointKind = 'plain' | 'highlight' | 'best';

export interface ScatterPoint {
  readonly x: number;
  readonly y: number;
  readonly kind?: ScatterPointKind;
  /** Shown as the point's tooltip. */
  readonly label?: string;
  /** Written as `data-id`, so a reader (or test) can find the point again. */
  readonly id?: string;
}

export interface ScatterPlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly points: readonly ScatterPoint[];
  /** Log-scaled x axis; points with x <= 0 are left out. */
  readonly logX?: boolean;
  /** Joins the highlighted points in x order with a step line (a Pareto front). */
  readonly connectHighlighted?: boolean;
  readonly width?: number;
  readonly height?: number;
}

const PAD = { left: 56, right: 16, top: 28, bottom: 40 };
const GREY = '#8c959f';
const HIGHLIGHT = '#ea580c';
const BEST = '#16a34a';

/** A self-contained, script-free SVG scatter plot with axes, ticks and optional log x. */
export function svgScatterPlot(o: ScatterPlotOptions): string {
  const width = o.width ?? 560;
  const height = o.height ?? 260;
  const pts = o.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!o.logX || p.x > 0));
  const title = `<text x="${width / 2}" y="18" text-anchor="middle" class="chart-title">${escapeHtml(o.title)}</text>`;
  if (pts.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img">${title}<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no data</text></svg>`;
  }
  const tx = (x: number): number => (o.logX ? Math.log10(x) : x);
  const [x0, x1] = spread(Math.min(...pts.map((p) => tx(p.x))), Math.max(...pts.map((p) => tx(p.x))));
  const yTicks = niceTicks(Math.min(...pts.map((p) => p.y)), Math.max(...pts.map((p) => p.y)), 5);
  const [y0, y1] = [yTicks[0], yTicks[yTicks.length - 1]];
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  // A small inset keeps points at the extremes off the frame.
  const sx = (x: number): number => PAD.left + 6 + ((tx(x) - x0) / (x1 - x0)) * (plotW - 12);
  const sy = (y: number): number => PAD.top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const parts: string[] = [title];
  for (const t of yTicks) {
    parts.push(`<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${r(sy(t))}" y2="${r(sy(t))}" class="grid"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${r(sy(t)) + 4}" text-anchor="end" class="tick">${formatTick(t)}</text>`);
  }
  const xTicks = o.logX ? logTicks(10 ** x0, 10 ** x1) : niceTicks(x0, x1, 6).filter((t) => t >= x0 && t <= x1);
  for (const t of xTicks) {
    parts.push(`<text x="${r(sx(t))}" y="${PAD.top + plotH + 16}" text-anchor="middle" class="tick">${formatTick(t)}</text>`);
  }
  parts.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" class="frame"/>`);
  parts.push(`<text x="${PAD.left + plotW / 2}" y="${height - 6}" text-anchor="middle" class="axis-label">${escapeHtml(o.xLabel)}${o.logX ? ' (log)' : ''}</text>`);
  parts.push(`<text x="12" y="${PAD.top + plotH / 2}" text-anchor="middle" class="axis-label" transform="rotate(-90 12 ${PAD.top + plotH / 2})">${escapeHtml(o.yLabel)}</text>`);
  const front = pts.filter((p) => p.kind === 'highlight' || p.kind === 'best').sort((a, b) => a.x - b.x || a.y - b.y);
  if (o.connectHighlighted && front.length > 1) {
    const steps = front.flatMap((p, i) => (i === 0 ? [[p.x, p.y]] : [[p.x, front[i - 1].y], [p.x, p.y]]));
    parts.push(`<polyline class="front-line" fill="none" stroke="${HIGHLIGHT}" stroke-width="1.5" stroke-dasharray="3 2" points="${steps.map(([x, y]) => `${r(sx(x))},${r(sy(y))}`).join(' ')}"/>`);
  }
  // Plain points first, so highlighted ones are drawn on top.
  const order: ScatterPointKind[] = ['plain', 'highlight', 'best'];
  for (const kind of order) {
    for (const p of pts.filter((q) => (q.kind ?? 'plain') === kind)) {
      const id = p.id === undefined ? '' : ` data-id="${escapeHtml(p.id)}"`;
      const tip = p.label === undefined ? '' : `<title>${escapeHtml(p.label)}</title>`;
      const [cx, cy] = [r(sx(p.x)), r(sy(p.y))];
      if (kind === 'plain') parts.push(`<circle class="point"${id} cx="${cx}" cy="${cy}" r="3" fill="${GREY}" fill-opacity="0.7">${tip}</circle>`);
      else parts.push(`<circle class="point front"${id} cx="${cx}" cy="${cy}" r="4" fill="${HIGHLIGHT}">${tip}</circle>`);
      if (kind === 'best') parts.push(`<circle class="best-ring" cx="${cx}" cy="${cy}" r="8" fill="none" stroke="${BEST}" stroke-width="2"/>`);
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 8}" viewBox="0 0 ${width} ${height + 8}" role="img" aria-label="${escapeHtml(o.title)}">${parts.join('')}</svg>`;
}

/** 1-2-5 ticks inside [lo, hi] on a log axis; the ends alone when the range is too narrow. */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (const m of [1, 2, 5]) {
      const t = Number((m * 10 ** k).toPrecision(12));
      if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) ticks.push(t);
    }
  }
  const decades = ticks.filter((t) => Number.isInteger(Math.log10(t)));
  if (ticks.length > 8 && decades.length >= 2) return decades;
  return ticks.length >= 2 ? ticks : [lo, hi].map((v) => Number(v.toPrecision(3)));
}

function formatTick(v: number): string {
  return Math.abs(v) >= 100000 || (v !== 0 && Math.abs(v) < 0.001) ? v.toExponential(1) : String(Number(v.toPrecision(4)));
}

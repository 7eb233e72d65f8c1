import { escapeHtml } from './escape-html.ts';
import { niceTicks, r, spread } from './svg-axis.ts';

export interface LineSeries {
  readonly name: string;
  readonly color: string;
  /** [x, y] pairs; non-finite y values are left out (a diverged epoch must not wreck the scale). */
  readonly points: readonly (readonly [number, number])[];
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly series: readonly LineSeries[];
  /** Draws a dashed vertical marker, e.g. at the best epoch. */
  readonly marker?: { readonly x: number; readonly label: string };
  /** `log2` spaces x by its base-2 logarithm (for sizes 1, 2, 4 … 256); points with x <= 0 are left out. Default `linear`. */
  readonly xScale?: 'linear' | 'log2';
  readonly width?: number;
  readonly height?: number;
}

const PAD = { left: 56, right: 16, top: 28, bottom: 40 };

/** A self-contained SVG line chart: axes with ticks, one polyline per series, legend. */
export function svgLineChart(o: LineChartOptions): string {
  const width = o.width ?? 560;
  const height = o.height ?? 260;
  const log2 = o.xScale === 'log2';
  // On a log axis every x is placed by its logarithm; ticks and labels keep the values themselves.
  const fx = (x: number): number => (log2 ? Math.log2(x) : x);
  const drawable = ([x, y]: readonly [number, number]): boolean => Number.isFinite(fx(x)) && Number.isFinite(y);
  const finite = o.series.flatMap((s) => s.points.filter(drawable));
  const title = `<text x="${width / 2}" y="18" text-anchor="middle" class="chart-title">${escapeHtml(o.title)}</text>`;
  if (finite.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img">${title}<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no data</text></svg>`;
  }
  const xs = finite.map(([x]) => fx(x));
  const ys = finite.map(([, y]) => y);
  const [x0, x1] = spread(Math.min(...xs), Math.max(...xs));
  const yTicks = niceTicks(Math.min(...ys), Math.max(...ys), 5);
  const [y0, y1] = [yTicks[0], yTicks[yTicks.length - 1]];
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const sx = (x: number): number => PAD.left + ((fx(x) - x0) / (x1 - x0)) * plotW;
  const sy = (y: number): number => PAD.top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const parts: string[] = [title];
  for (const t of yTicks) {
    parts.push(`<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${r(sy(t))}" y2="${r(sy(t))}" class="grid"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${r(sy(t)) + 4}" text-anchor="end" class="tick">${formatTick(t)}</text>`);
  }
  for (const t of integerTicks(x0, x1, log2 ? 12 : 8)) {
    const value = log2 ? 2 ** t : t;
    parts.push(`<text x="${r(sx(value))}" y="${PAD.top + plotH + 16}" text-anchor="middle" class="tick">${value}</text>`);
  }
  parts.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" class="frame"/>`);
  parts.push(`<text x="${PAD.left + plotW / 2}" y="${height - 6}" text-anchor="middle" class="axis-label">${escapeHtml(o.xLabel)}</text>`);
  if (o.marker && fx(o.marker.x) >= x0 && fx(o.marker.x) <= x1) {
    const mx = r(sx(o.marker.x));
    parts.push(`<line x1="${mx}" x2="${mx}" y1="${PAD.top}" y2="${PAD.top + plotH}" class="marker"/>`);
    parts.push(`<text x="${mx + 4}" y="${PAD.top + 12}" class="tick">${escapeHtml(o.marker.label)}</text>`);
  }
  o.series.forEach((s, i) => {
    const pts = s.points.filter(drawable);
    const color = escapeHtml(s.color);
    const name = escapeHtml(s.name);
    parts.push(`<polyline class="series" data-series="${name}" fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([x, y]) => `${r(sx(x))},${r(sy(y))}`).join(' ')}"/>`);
    for (const [x, y] of pts) {
      parts.push(`<circle cx="${r(sx(x))}" cy="${r(sy(y))}" r="2.5" fill="${color}"><title>${name} @ ${x}: ${formatTick(y)}</title></circle>`);
    }
    const lx = PAD.left + 8 + i * 130;
    parts.push(`<line x1="${lx}" x2="${lx + 18}" y1="${PAD.top + plotH + 30}" y2="${PAD.top + plotH + 30}" stroke="${color}" stroke-width="3"/>`);
    parts.push(`<text x="${lx + 22}" y="${PAD.top + plotH + 34}" class="tick">${name}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 8}" viewBox="0 0 ${width} ${height + 8}" role="img" aria-label="${escapeHtml(o.title)}">${parts.join('')}</svg>`;
}

function integerTicks(lo: number, hi: number, max: number): number[] {
  const step = Math.max(1, Math.ceil((hi - lo) / max));
  const ticks: number[] = [];
  for (let t = Math.ceil(lo); t <= hi; t += step) ticks.push(t);
  return ticks;
}

function formatTick(v: number): string {
  return Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.001) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

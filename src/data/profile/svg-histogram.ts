import { escapeHtml } from '../../render/escape-html.ts';
import type { Histogram } from './data-profile.ts';

export interface SvgHistogramOptions {
  readonly title: string;
  readonly histogram: Histogram;
  readonly width?: number;
  readonly height?: number;
  readonly color?: string;
  /** How bin edges are written on the axis (default: 4 significant digits). */
  readonly formatX?: (v: number) => string;
  /** Bar heights by log(1 + count): one huge bin (black background pixels) no longer flattens the rest. */
  readonly log?: boolean;
}

const PAD = { left: 44, right: 10, top: 22, bottom: 22 };

/** A small self-contained SVG bar histogram; each bar's tooltip gives its bin and count. */
export function svgHistogram(o: SvgHistogramOptions): string {
  const width = o.width ?? 320;
  const height = o.height ?? 150;
  const fmt = o.formatX ?? formatNumber;
  const { edges, counts } = o.histogram;
  const title = `<text x="${width / 2}" y="14" text-anchor="middle" class="chart-title">${escapeHtml(o.title)}</text>`;
  const open = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(o.title)}">`;
  if (counts.length === 0) return `${open}${title}<text x="${width / 2}" y="${height / 2}" text-anchor="middle" class="tick">no values</text></svg>`;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const top = Math.max(...counts, 1);
  const scale = (v: number): number => (o.log ? Math.log1p(v) / Math.log1p(top) : v / top);
  const barW = plotW / counts.length;
  const parts = [title, `<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" class="frame"/>`];
  counts.forEach((count, i) => {
    const h = scale(count) * plotH;
    const x = PAD.left + i * barW;
    parts.push(
      `<rect x="${r(x + 0.5)}" y="${r(PAD.top + plotH - h)}" width="${r(Math.max(0.5, barW - 1))}" height="${r(h)}" fill="${escapeHtml(o.color ?? '#2563eb')}">` +
        `<title>${escapeHtml(`${fmt(edges[i])} – ${fmt(edges[i + 1])}: ${count.toLocaleString('en-US')}`)}</title></rect>`,
    );
  });
  const axisY = PAD.top + plotH + 14;
  parts.push(`<text x="${PAD.left}" y="${axisY}" class="tick">${escapeHtml(fmt(edges[0]))}</text>`);
  parts.push(`<text x="${PAD.left + plotW}" y="${axisY}" text-anchor="end" class="tick">${escapeHtml(fmt(edges[edges.length - 1]))}</text>`);
  parts.push(`<text x="${PAD.left - 4}" y="${PAD.top + 10}" text-anchor="end" class="tick">${escapeHtml(compact(top))}</text>`);
  parts.push(`<text x="${PAD.left - 4}" y="${PAD.top + plotH}" text-anchor="end" class="tick">0</text>`);
  return `${open}${parts.join('')}</svg>`;
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

function compact(v: number): string {
  return v >= 1e6 ? `${(v / 1e6).toPrecision(3)}M` : v >= 1e4 ? `${(v / 1e3).toPrecision(3)}k` : String(v);
}

function r(v: number): number {
  return Math.round(v * 10) / 10;
}

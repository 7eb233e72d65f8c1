import { createHash } from 'node:crypto';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';
import { CHART_MODULES } from './echarts-modules.ts';

echarts.use([...CHART_MODULES, SVGRenderer]);

/**
 * Draws an ECharts option as a static SVG string with ECharts' server-side renderer: what
 * report.html embeds, so the page stays script-free and offline while drawing the very chart the UI
 * draws from the same option. ECharts numbers its element ids per process (`zr0-…`); they are
 * renamed after the chart's content, so charts written by different processes into one page
 * (a target-bench section added later) never share an id. Series are drawn unclipped.
 */
export function renderChartSvg(option: EChartsOption, size: { width?: number; height?: number } = {}): string {
  const width = size.width ?? 560;
  const height = size.height ?? 280;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    const svg = chart.renderToSVGString();
    const prefix = `c${createHash('sha256').update(svg).digest('hex').slice(0, 10)}`;
    const title = chartTitleText(option);
    // A line series is clipped to its grid for ECharts' entry animation, which a static page never
    // plays; without the clip paths the page holds no url(…) reference at all.
    const named = svg
      .replace(/ clip-path="url\(#[^"]*\)"/g, '')
      .replace(/<clipPath [^>]*>[\s\S]*?<\/clipPath>\n?/g, '')
      .replace(/\bzr\d+-/g, `${prefix}-`);
    // The xlink namespace is declared whether or not it is used; a page should name no namespace it does not use.
    return (named.includes('xlink:') ? named : named.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', ''))
      .replace('<svg ', `<svg class="chart" role="img"${title ? ` aria-label="${escapeAttr(title)}"` : ''} `);
  } finally {
    chart.dispose();
  }
}

function chartTitleText(option: EChartsOption): string | undefined {
  const title = Array.isArray(option.title) ? option.title[0] : option.title;
  return typeof title?.text === 'string' ? title.text : undefined;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

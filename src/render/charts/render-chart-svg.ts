import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { EChartsOption } from 'echarts';

type ECharts = typeof import('echarts');
let loaded: ECharts | undefined;

/**
 * ECharts, loaded on the first chart: its one-file build (dist/echarts.js, read by `require`)
 * loads in about a fifth of the time of its ES modules (some 600 files), and only commands that
 * draw a chart pay even that — `deepline --help`, `show`, `serve` or a refused task file pay
 * nothing. It holds every chart and component the option builders use (echarts-modules.ts lists
 * them for the UI's bundle), and the same options draw the same charts.
 */
function echarts(): ECharts {
  loaded ??= createRequire(import.meta.url)('echarts') as ECharts;
  return loaded;
}

/**
 * Draws an ECharts option as a static SVG string with ECharts' server-side renderer: what
 * report.html embeds, so the page stays script-free and offline while drawing the very chart the UI
 * draws from the same option. ECharts numbers its classes and ids per process (`zr0-cls-3`); they
 * are renumbered and prefixed with a hash of the chart, so the same chart is the same text every
 * time and charts written by different processes into one page (a target-bench section added
 * later) never share a name. Series are drawn unclipped.
 */
export function renderChartSvg(option: EChartsOption, size: { width?: number; height?: number } = {}): string {
  const width = size.width ?? 560;
  const height = size.height ?? 280;
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    // A line series is clipped to its grid for ECharts' entry animation, which a static page never
    // plays; without the clip paths the page holds no url(…) reference at all.
    const unclipped = chart
      .renderToSVGString()
      .replace(/ clip-path="url\(#[^"]*\)"/g, '')
      .replace(/<clipPath [^>]*>[\s\S]*?<\/clipPath>\n?/g, '');
    // zrender numbers classes and ids with counters that run on across charts; numbered afresh in
    // order of appearance, the same chart is the same text every time, and its hash names it.
    const numbers = new Map<string, string>();
    const counts = new Map<string, number>();
    const renumbered = unclipped.replace(/\bzr\d+-([a-z]+-?)(\d+)\b/g, (token, kind: string) => {
      let name = numbers.get(token);
      if (name === undefined) {
        const n = counts.get(kind) ?? 0;
        counts.set(kind, n + 1);
        name = `${kind}${n}`;
        numbers.set(token, name);
      }
      return `\u0000${name}`;
    });
    const prefix = `c${createHash('sha256').update(renumbered).digest('hex').slice(0, 10)}`;
    const named = renumbered.replace(/\u0000/g, `${prefix}-`);
    const title = chartTitleText(option);
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

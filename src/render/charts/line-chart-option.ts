import type { EChartsOption } from 'echarts';
import { CHART_FRAME, CHART_MUTED, chartTitle, formatChartNumber, valueAxis } from './chart-style.ts';

export interface LineSeries {
  readonly name: string;
  readonly color: string;
  /** [x, y] pairs; non-finite values are left out (a diverged epoch must not wreck the scale). */
  readonly points: readonly (readonly [number, number])[];
  /** Dashed, for reference lines such as an objective. */
  readonly dashed?: boolean;
}

export interface LineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel?: string;
  readonly series: readonly LineSeries[];
  /** A dashed vertical marker, e.g. at the best epoch. */
  readonly marker?: { readonly x: number; readonly label: string };
  /** `log2` spaces x by its base-2 logarithm (batch sizes 1, 2, 4 … 256); points with x <= 0 are left out. Default `linear`. */
  readonly xScale?: 'linear' | 'log2';
  /** Whole-number x ticks only (epochs, trials). */
  readonly integerX?: boolean;
}

/** The points of a series that can be drawn on the chart's scale. */
export function drawablePoints(points: LineSeries['points'], xScale: LineChartSpec['xScale'] = 'linear'): [number, number][] {
  return points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (xScale !== 'log2' || x > 0)).map(([x, y]) => [x, y]);
}

/** An ECharts option for a line chart with a legend: one line per series, points marked. Pure: data in, option out. */
export function lineChartOption(spec: LineChartSpec): EChartsOption {
  const log2 = spec.xScale === 'log2';
  const series = spec.series.map((s, i) => ({
    type: 'line' as const,
    name: s.name,
    data: drawablePoints(s.points, spec.xScale),
    color: s.color,
    symbol: 'circle',
    symbolSize: 5,
    // A long series (an ECDF) reads as a line; dots would smear it.
    showSymbol: !s.dashed && s.points.length <= 60,
    lineStyle: { width: s.dashed ? 1.5 : 2, type: s.dashed ? ('dashed' as const) : ('solid' as const) },
    emphasis: { focus: 'series' as const },
    // Unclipped: an SVG clip path is a url(#…) reference, which a static report page avoids.
    clip: false,
    ...(i === 0 && spec.marker
      ? {
          markLine: {
            silent: true,
            symbol: 'none',
            lineStyle: { color: CHART_FRAME, type: 'dashed' as const },
            label: { formatter: spec.marker.label, color: CHART_MUTED, fontSize: 11, position: 'insideEndTop' as const },
            data: [{ xAxis: spec.marker.x }],
          },
        }
      : {}),
  }));
  const empty = series.every((s) => s.data.length === 0);
  return {
    animation: false,
    title: empty ? [chartTitle(spec.title), { text: 'no data', left: 'center', top: 'middle', textStyle: { fontSize: 12, fontWeight: 'normal', color: CHART_MUTED } }] : chartTitle(spec.title),
    legend: { bottom: 0, itemHeight: 8, textStyle: { fontSize: 11, color: CHART_MUTED }, data: spec.series.map((s) => s.name) },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? formatChartNumber(v) : String(v)) },
    grid: { left: 60, right: 20, top: 34, bottom: 62 },
    xAxis: {
      ...valueAxis(spec.xLabel, 'x', log2 ? 'log' : 'value', 2),
      ...(log2 ? {} : { scale: true }),
      ...(spec.integerX ? { minInterval: 1 } : {}),
      axisLabel: { color: CHART_MUTED, fontSize: 11, hideOverlap: true, formatter: (v: number) => formatChartNumber(v) },
    },
    yAxis: { ...valueAxis(spec.yLabel ?? '', 'y'), axisLabel: { color: CHART_MUTED, fontSize: 11, formatter: (v: number) => formatChartNumber(v) } },
    series,
  } as EChartsOption;
}

import type { EChartsOption } from 'echarts';
import { CHART_MUTED, chartTitle, formatChartNumber, valueAxis } from './chart-style.ts';

/** How a point is drawn: plain (grey), highlighted (e.g. on the Pareto front), or ringed as the best. */
export type ScatterPointKind = 'plain' | 'highlight' | 'best';

export interface ScatterPoint {
  readonly x: number;
  readonly y: number;
  readonly kind?: ScatterPointKind;
  /** The point's tooltip. */
  readonly label?: string;
  /** The point's name (a trial id, a variant): what a click or a test finds it by. */
  readonly id?: string;
  /** Drawn larger the larger it is (e.g. a model's size), relative to the other points. */
  readonly size?: number;
}

export interface ScatterChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly points: readonly ScatterPoint[];
  /** Log-scaled x axis; points with x <= 0 are left out. */
  readonly logX?: boolean;
  /** Joins the highlighted points in x order with a step line (a Pareto front). */
  readonly connectHighlighted?: boolean;
  /** Legend names of the three kinds. */
  readonly kindNames?: Partial<Record<ScatterPointKind, string>>;
}

export const SCATTER_COLORS: Record<ScatterPointKind, string> = { plain: '#8c959f', highlight: '#ea580c', best: '#16a34a' };
const DEFAULT_NAMES: Record<ScatterPointKind, string> = { plain: 'other', highlight: 'highlighted', best: 'best' };

/** An ECharts option for a scatter plot with up to three kinds of point and an optional step front. Pure. */
export function scatterChartOption(spec: ScatterChartSpec): EChartsOption {
  const pts = spec.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!spec.logX || p.x > 0));
  const sizes = pts.map((p) => p.size).filter((s): s is number => s !== undefined && Number.isFinite(s) && s > 0);
  const [smin, smax] = [Math.min(...sizes), Math.max(...sizes)];
  // Area grows with the log of the size, between 6 and 20 px across: models differ by orders of magnitude.
  const symbolSize = (p: ScatterPoint, base: number): number =>
    p.size === undefined || !(p.size > 0) || smax <= smin ? base : 6 + (14 * (Math.log(p.size) - Math.log(smin))) / (Math.log(smax) - Math.log(smin));
  const names = { ...DEFAULT_NAMES, ...spec.kindNames };
  const kinds: ScatterPointKind[] = ['plain', 'highlight', 'best'];
  const series: Record<string, unknown>[] = kinds
    .map((kind) => ({ kind, points: pts.filter((p) => (p.kind ?? 'plain') === kind) }))
    .filter(({ points }) => points.length > 0)
    .map(({ kind, points }) => ({
      type: 'scatter',
      name: names[kind],
      color: kind === 'best' ? SCATTER_COLORS.highlight : SCATTER_COLORS[kind],
      // Plain points first and faint, so highlighted ones stand out on top.
      z: kind === 'plain' ? 2 : 3,
      clip: false,
      itemStyle: kind === 'plain' ? { opacity: 0.7 } : kind === 'best' ? { borderColor: SCATTER_COLORS.best, borderWidth: 3 } : {},
      data: points.map((p) => ({ value: [p.x, p.y], name: p.id ?? '', label: p.label, symbolSize: symbolSize(p, kind === 'plain' ? 7 : kind === 'best' ? 12 : 9) })),
    }));
  const front = pts.filter((p) => p.kind === 'highlight' || p.kind === 'best').sort((a, b) => a.x - b.x || a.y - b.y);
  if (spec.connectHighlighted && front.length > 1) {
    series.unshift({ type: 'line', name: 'front', step: 'end', silent: true, clip: false, showSymbol: false, color: SCATTER_COLORS.highlight, lineStyle: { width: 1.5, type: 'dashed' }, data: front.map((p) => [p.x, p.y]), z: 1 });
  }
  return {
    animation: false,
    title: pts.length === 0 ? [chartTitle(spec.title), { text: 'no data', left: 'center', top: 'middle', textStyle: { fontSize: 12, fontWeight: 'normal', color: CHART_MUTED } }] : chartTitle(spec.title),
    legend: { bottom: 0, itemHeight: 8, textStyle: { fontSize: 11, color: CHART_MUTED }, data: series.filter((s) => s.type === 'scatter').map((s) => s.name as string) },
    tooltip: {
      trigger: 'item',
      formatter: (p: { data?: { label?: string; value?: number[] } }) => p.data?.label ?? (p.data?.value ?? []).map(formatChartNumber).join(', '),
    },
    grid: { left: 64, right: 20, top: 34, bottom: 62 },
    xAxis: { ...valueAxis(spec.xLabel + (spec.logX ? ' (log)' : ''), 'x', spec.logX ? 'log' : 'value'), axisLabel: { color: CHART_MUTED, fontSize: 11, hideOverlap: true, formatter: (v: number) => formatChartNumber(v) } },
    yAxis: { ...valueAxis(spec.yLabel, 'y'), axisLabel: { color: CHART_MUTED, fontSize: 11, formatter: (v: number) => formatChartNumber(v) } },
    series,
  } as EChartsOption;
}

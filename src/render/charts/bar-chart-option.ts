import type { EChartsOption } from 'echarts';
import { CHART_GRID, CHART_MUTED, chartTitle, formatChartNumber } from './chart-style.ts';

export interface BarChartSpec {
  readonly title: string;
  readonly valueLabel: string;
  /** Drawn top to bottom in this order. */
  readonly bars: readonly { readonly name: string; readonly value: number }[];
  readonly color?: string;
}

/** An ECharts option for a horizontal bar chart (names down the side, values along). Pure. */
export function barChartOption(spec: BarChartSpec): EChartsOption {
  const bars = spec.bars.filter((b) => Number.isFinite(b.value));
  return {
    animation: false,
    title: chartTitle(spec.title),
    tooltip: { trigger: 'item', valueFormatter: (v: unknown) => (typeof v === 'number' ? formatChartNumber(v) : String(v)) },
    grid: { left: 8, right: 48, top: 34, bottom: 30, containLabel: true },
    xAxis: { type: 'value', name: spec.valueLabel, nameLocation: 'middle', nameGap: 22, nameTextStyle: { fontSize: 11, color: CHART_MUTED }, axisLabel: { color: CHART_MUTED, fontSize: 11 }, splitLine: { lineStyle: { color: CHART_GRID } } },
    yAxis: { type: 'category', inverse: true, data: bars.map((b) => b.name), axisLabel: { color: CHART_MUTED, fontSize: 11 }, axisTick: { show: false } },
    series: [{ type: 'bar', name: spec.valueLabel, color: spec.color ?? '#2563eb', barMaxWidth: 16, data: bars.map((b) => b.value), label: { show: true, position: 'right', fontSize: 10, color: CHART_MUTED, formatter: (p: { value: number }) => formatChartNumber(p.value) } }],
  } as EChartsOption;
}

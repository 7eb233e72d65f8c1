import type { EChartsOption } from 'echarts';
import { CHART_MUTED, chartTitle } from './chart-style.ts';

export interface ParallelDimension {
  readonly name: string;
  /** Categorical dimensions list their values in order; numeric ones leave this out. */
  readonly categories?: readonly string[];
  /** Log scale, for learning rates and the like (all values must be > 0). */
  readonly log?: boolean;
}

export interface ParallelLine {
  readonly name: string;
  /** One value per dimension, in the dimensions' order; a missing value is null. */
  readonly values: readonly (number | string | null)[];
  /** Drawn on top in colour (e.g. the best trials); the rest are grey. */
  readonly highlight?: boolean;
}

export interface ParallelChartSpec {
  readonly title: string;
  readonly dimensions: readonly ParallelDimension[];
  readonly lines: readonly ParallelLine[];
}

/** An ECharts parallel-coordinates option: one axis per dimension, one polyline per line. Pure. */
export function parallelChartOption(spec: ParallelChartSpec): EChartsOption {
  const data = (highlight: boolean): unknown[] => spec.lines.filter((l) => (l.highlight ?? false) === highlight).map((l) => ({ name: l.name, value: l.values.map((v) => (v === null ? '-' : v)) }));
  return {
    animation: false,
    title: chartTitle(spec.title),
    tooltip: { trigger: 'item', formatter: (p: { name?: string }) => p.name ?? '' },
    parallel: { left: 48, right: 96, top: 56, bottom: 28, parallelAxisDefault: { nameTextStyle: { color: CHART_MUTED, fontSize: 11 }, axisLabel: { color: CHART_MUTED, fontSize: 10, hideOverlap: true } } },
    parallelAxis: spec.dimensions.map((d, dim) =>
      d.categories ? { dim, name: d.name, type: 'category', data: [...d.categories] } : { dim, name: d.name, type: d.log ? 'log' : 'value', scale: true },
    ),
    series: [
      { type: 'parallel', name: 'trials', color: '#8c959f', lineStyle: { width: 1, opacity: 0.5 }, data: data(false) },
      { type: 'parallel', name: 'best trials', color: '#ea580c', lineStyle: { width: 2.5, opacity: 0.95 }, data: data(true), z: 3 },
    ],
  } as EChartsOption;
}

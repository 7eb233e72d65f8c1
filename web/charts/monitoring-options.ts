import type { EChartsOption } from 'echarts';
import { barChartOption } from '../../src/render/charts/bar-chart-option.ts';
import { lineChartOption } from '../../src/render/charts/line-chart-option.ts';
import type { DriftCheckView, ServingStatsView } from '../../src/ui/api-types.ts';

/** Drift over time: per check (oldest first), the share of features that drifted and the smallest corrected p-value. */
export function driftOverTimeOption(checks: readonly DriftCheckView[]): EChartsOption {
  return lineChartOption({
    title: 'drift over time (one point per check)',
    xLabel: 'check, oldest first',
    integerX: true,
    series: [
      { name: 'share of features drifted', color: '#cf222e', points: checks.map((c, i) => [i + 1, c.features.length > 0 ? c.drifted.length / c.features.length : 0] as const) },
      {
        name: 'smallest corrected p-value',
        color: '#2563eb',
        points: checks.map((c, i) => [i + 1, Math.min(...c.features.map((f) => f.adjustedPValue ?? f.pValue ?? Number.NaN).filter(Number.isFinite))] as const),
      },
    ],
  });
}

/** Per-feature drift in one check: each feature's test statistic, drifted ones in red. */
export function featureDriftOption(check: DriftCheckView): EChartsOption {
  const option = barChartOption({
    title: `per-feature drift statistic (check ${check.id})`,
    valueLabel: 'statistic',
    bars: check.features.map((f) => ({ name: `${f.feature}${f.drift ? ' ⚠' : ''}`, value: f.statistic })),
    color: '#57606a',
  });
  return option;
}

/** Serving over time: instances per minute and their median latency. */
export function servingPerMinuteOptions(stats: ServingStatsView): { count: EChartsOption; latency: EChartsOption } {
  const t0 = stats.perMinute.length > 0 ? Date.parse(stats.perMinute[0]!.minute) : 0;
  const x = (minute: string): number => Math.round((Date.parse(minute) - t0) / 60000);
  return {
    count: lineChartOption({ title: 'predictions per minute', xLabel: 'minutes since the first logged', integerX: true, series: [{ name: 'instances', color: '#2563eb', points: stats.perMinute.map((m) => [x(m.minute), m.count] as const) }] }),
    latency: lineChartOption({ title: 'median latency per minute (ms)', xLabel: 'minutes since the first logged', integerX: true, series: [{ name: 'p50 ms', color: '#ea580c', points: stats.perMinute.map((m) => [x(m.minute), m.p50LatencyMs] as const) }] }),
  };
}

import type { EChartsOption } from 'echarts';
import { lineChartOption, type LineSeries } from '../../render/charts/line-chart-option.ts';
import { latencyBoundMs } from './choose-serving.ts';
import type { ServingEngine } from './serving-config.ts';
import type { TargetBenchResult } from './target-bench-result.ts';

export const ENGINE_COLORS: Record<ServingEngine, string> = { onnx: '#2563eb', native: '#16a34a', wasm: '#ea580c', cpu: '#9333ea' };

/**
 * Throughput and worst-case latency against batch size per engine (log-2 x axis), the chosen
 * batch size marked and the latency objective drawn where it fits the scale. Pure.
 */
export function targetBenchChartOptions(result: TargetBenchResult): { throughput: EChartsOption; latency: EChartsOption } {
  const { settings, objective, choice } = result;
  const measured = result.engines.filter((engine) => engine.cells.length > 0);
  const marker = { x: choice.maxBatch, label: `chosen ${choice.maxBatch}` };
  const bounds: LineSeries[] = measured.map((m) => ({ name: m.engine, color: ENGINE_COLORS[m.engine], points: m.cells.map((c) => [c.batch, latencyBoundMs(c)] as const) }));
  const worst = Math.max(0, ...bounds.flatMap((s) => s.points.map(([, y]) => y)));
  // The objective as a line only where it fits the scale; a distant one would flatten the curves.
  const objectiveLine: LineSeries[] =
    objective.maxLatencyMs <= worst * 2 ? [{ name: 'objective', color: '#8c959f', dashed: true, points: settings.batchSizes.map((b) => [b, objective.maxLatencyMs] as const) }] : [];
  return {
    throughput: lineChartOption({
      title: 'throughput (examples/s) by batch size',
      xLabel: 'batch size',
      xScale: 'log2',
      marker,
      series: measured.map((m) => ({ name: m.engine, color: ENGINE_COLORS[m.engine], points: m.cells.map((c) => [c.batch, c.throughput] as const) })),
    }),
    latency: lineChartOption({ title: 'worst-case latency (2 × p99, ms) by batch size', xLabel: 'batch size', xScale: 'log2', marker, series: [...bounds, ...objectiveLine] }),
  };
}

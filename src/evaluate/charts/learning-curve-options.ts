import type { EChartsOption } from 'echarts';
import { lineChartOption } from '../../render/charts/line-chart-option.ts';

/** One epoch of a training history, as the run report and the UI's API both carry it. */
export interface LearningCurveEpoch {
  readonly epoch: number;
  readonly loss: number;
  readonly valLoss: number;
  readonly valMetric: number;
}

export interface LearningCurveInput {
  readonly history: readonly LearningCurveEpoch[];
  readonly metricName: string;
  /** The epoch whose weights were kept (0 when none): marked on both charts. */
  readonly bestEpoch: number;
  /** Validation under the training attack (adversarial training). */
  readonly adversarial?: boolean;
}

/** A run's learning curves: loss (train and validation) and validation metric per epoch. Pure: data in, ECharts options out. */
export function learningCurveOptions(input: LearningCurveInput): { loss: EChartsOption; metric: EChartsOption } {
  const marker = input.bestEpoch > 0 ? { x: input.bestEpoch, label: `best ${input.bestEpoch}` } : undefined;
  const h = input.history;
  return {
    loss: lineChartOption({
      title: 'loss per epoch',
      xLabel: 'epoch',
      integerX: true,
      marker,
      series: [
        { name: 'train loss', color: '#2563eb', points: h.map((e) => [e.epoch, e.loss] as const) },
        { name: 'validation loss', color: '#ea580c', points: h.map((e) => [e.epoch, e.valLoss] as const) },
      ],
    }),
    metric: lineChartOption({
      title: `validation ${input.metricName}${input.adversarial ? ' under attack' : ''} per epoch`,
      xLabel: 'epoch',
      integerX: true,
      marker,
      series: [{ name: `validation ${input.metricName}`, color: '#16a34a', points: h.map((e) => [e.epoch, e.valMetric] as const) }],
    }),
  };
}

/** Several runs' validation curves overlaid on one chart (the UI's Compare page). */
export function comparedCurvesOption(metricName: string, runs: readonly { readonly name: string; readonly history: readonly LearningCurveEpoch[] }[], which: 'valMetric' | 'valLoss' = 'valMetric'): EChartsOption {
  const colors = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#db2777', '#0891b2', '#ca8a04', '#4b5563'];
  return lineChartOption({
    title: `validation ${which === 'valLoss' ? 'loss' : metricName} per epoch`,
    xLabel: 'epoch',
    integerX: true,
    series: runs.map((r, i) => ({ name: r.name, color: colors[i % colors.length]!, points: r.history.map((e) => [e.epoch, e[which]] as const) })),
  });
}

import type { EChartsOption } from 'echarts';
import { barChartOption } from '../../render/charts/bar-chart-option.ts';
import { lineChartOption } from '../../render/charts/line-chart-option.ts';
import { parallelChartOption, type ParallelDimension } from '../../render/charts/parallel-chart-option.ts';
import { scatterChartOption } from '../../render/charts/scatter-chart-option.ts';
import type { StudySummaryTrial } from '../study-summary.ts';
import { paramImportances } from './param-importance.ts';

/**
 * What the study charts need: a finished study's summary has it, and so has the UI's live view
 * of a search still running (its trials so far, the front so far).
 */
export interface StudyChartInput {
  readonly errorName: string;
  readonly trials: readonly StudySummaryTrial[];
  readonly paretoFront: readonly number[];
  readonly bestId?: number;
}

export const CURVE_COLORS = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#db2777'];
export const TOP_CURVES = 5;

/** Complete, unrejected trials with a finite error, best first (ties by number). */
export function rankedTrials(trials: readonly StudySummaryTrial[]): StudySummaryTrial[] {
  return trials.filter((t) => t.state === 'complete' && !t.rejected && Number.isFinite(t.values?.[0])).sort((a, b) => a.values![0]! - b.values![0]! || a.number - b.number);
}

/** The best error so far after each finished trial, against seconds since the search began (or trials finished, for short searches). */
export function bestSoFarPoints(trials: readonly StudySummaryTrial[]): { points: [number, number][]; timed: boolean } {
  const done = trials
    .filter((t) => t.state === 'complete' && !t.rejected && Number.isFinite(t.values?.[0]))
    .map((t) => ({ t, end: t.endedAt ? Date.parse(t.endedAt) : Number.NaN }))
    .sort((a, b) => (Number.isFinite(a.end) && Number.isFinite(b.end) ? a.end - b.end : 0) || a.t.number - b.t.number);
  const starts = trials.map((t) => Date.parse(t.startedAt)).filter(Number.isFinite);
  const origin = starts.length > 0 ? Math.min(...starts) : Number.NaN;
  const ends = done.map((d) => d.end);
  const timed = Number.isFinite(origin) && ends.every(Number.isFinite) && (Math.max(...ends) - origin) / 1000 >= 10;
  let best = Infinity;
  const points = done.map((d, i): [number, number] => {
    best = Math.min(best, d.t.values![0]!);
    return [timed ? (d.end - origin) / 1000 : i + 1, best];
  });
  return { points, timed };
}

export function bestSoFarOption(input: StudyChartInput): EChartsOption {
  const { points, timed } = bestSoFarPoints(input.trials);
  return lineChartOption({
    title: `best ${input.errorName} so far`,
    xLabel: timed ? 'seconds since the search started' : 'trials completed',
    integerX: !timed,
    series: [{ name: 'best so far', color: '#2563eb', points }],
  });
}

/** Error against latency, each point sized by the model's parameter count; the front joined, the chosen trial ringed. */
export function paretoOption(input: StudyChartInput): EChartsOption {
  const front = new Set(input.paretoFront);
  const scatter = input.trials.filter((t) => t.state === 'complete' && !t.rejected && Number.isFinite(t.values?.[0]) && Number.isFinite(t.values?.[1]));
  const latencies = scatter.map((t) => t.values![1]!);
  const lo = Math.min(...latencies);
  return scatterChartOption({
    title: `Pareto front: ${input.errorName} vs latency (size: parameters)`,
    xLabel: 'latency ms per example',
    yLabel: input.errorName,
    logX: scatter.length > 0 && lo > 0 && Math.max(...latencies) / lo >= 20,
    connectHighlighted: true,
    kindNames: { plain: 'dominated', highlight: 'Pareto front', best: 'chosen' },
    points: scatter.map((t) => ({
      x: t.values![1]!,
      y: t.values![0]!,
      size: t.values![2],
      id: String(t.id),
      kind: t.id === input.bestId ? 'best' : front.has(t.id) ? 'highlight' : 'plain',
      label: `trial ${t.id}: ${input.errorName} ${t.values![0]!.toFixed(4)}, ${t.values![1]!.toFixed(3)} ms, ${Math.round(t.values![2] ?? 0).toLocaleString('en-US')} parameters${front.has(t.id) ? ' (Pareto front)' : ''}`,
    })),
  });
}

/** Validation error per epoch of the best few complete trials. */
export function topCurvesOption(input: StudyChartInput, top = TOP_CURVES): EChartsOption {
  const best = rankedTrials(input.trials).slice(0, top).filter((t) => t.curve.length > 0);
  return lineChartOption({
    title: `validation ${input.errorName} per epoch, top ${best.length}`,
    xLabel: 'epoch',
    integerX: true,
    series: best.map((t, i) => ({ name: `trial ${t.id}`, color: CURVE_COLORS[i % CURVE_COLORS.length]!, points: t.curve.map((c) => [c.epoch, c.values[0]!] as const) })),
  });
}

/** One axis per parameter and one for the error; the best few trials in colour. */
export function parallelParamsOption(input: StudyChartInput, top = TOP_CURVES): EChartsOption {
  const scored = input.trials.filter((t) => Number.isFinite(t.values?.[0]));
  const names = [...new Set(scored.flatMap((t) => Object.keys(t.params)))].sort();
  const dims: ParallelDimension[] = names.map((name) => {
    const values = scored.map((t) => t.params[name]).filter((v) => v !== undefined && v !== null);
    if (values.every((v) => typeof v === 'number')) {
      const nums = values as number[];
      const log = nums.length > 0 && nums.every((v) => v > 0) && Math.max(...nums) / Math.min(...nums) >= 100;
      return { name, log };
    }
    return { name, categories: [...new Set(values.map(String)), '-'] };
  });
  const bestIds = new Set(rankedTrials(input.trials).slice(0, top).map((t) => t.id));
  return parallelChartOption({
    title: `parameters of ${scored.length} scored trials (best ${bestIds.size} in orange)`,
    dimensions: [...dims, { name: input.errorName }],
    lines: scored.map((t) => ({
      name: `trial ${t.id}`,
      highlight: bestIds.has(t.id),
      values: [...dims.map((d) => { const v = t.params[d.name]; return v === undefined || v === null ? (d.categories ? '-' : null) : d.categories ? String(v) : (v as number); }), t.values![0]!],
    })),
  });
}

/** Each parameter's share of the error's variance (one-way ANOVA), largest first. */
export function importanceOption(input: StudyChartInput): EChartsOption {
  return barChartOption({ title: 'parameter importance', valueLabel: `share of ${input.errorName} variance`, bars: paramImportances(input.trials).map((p) => ({ name: p.param, value: p.importance })) });
}

import type { EChartsOption } from 'echarts';
import { formatBytes } from '../../render/format-bytes.ts';
import { scatterChartOption, type ScatterPoint } from '../../render/charts/scatter-chart-option.ts';

/** What the plots read of a compression summary (the run's compression.json, or the UI's API view of it). */
export interface CompressionPlotInput {
  readonly metric: { readonly name: string };
  readonly servedFormat: string;
  readonly batch: number;
  readonly chosen: string;
  readonly variants: readonly {
    readonly name: string;
    readonly withinTolerance: boolean;
    readonly artifacts: readonly PlotArtifact[];
  }[];
}

interface PlotArtifact {
  readonly format: string;
  readonly bytes: number;
  readonly batchMs: number;
  readonly metric: number;
}

/**
 * The compression plots: every variant in the served format as a point, size (log) and latency
 * against the test metric; orange within the tolerance, grey outside it, ringed the one published. Pure.
 */
export function compressionPlotOptions(summary: CompressionPlotInput): { size: EChartsOption; latency: EChartsOption } {
  const metric = summary.metric.name;
  const points = (key: (a: PlotArtifact) => number): ScatterPoint[] =>
    summary.variants.flatMap((v) =>
      v.artifacts
        .filter((a) => a.format === summary.servedFormat)
        .map((a) => ({
          x: key(a),
          y: a.metric,
          kind: v.name === summary.chosen ? ('best' as const) : v.withinTolerance ? ('highlight' as const) : ('plain' as const),
          label: `${v.name} (${a.format}): ${formatBytes(a.bytes)}, ${a.batchMs.toFixed(2)} ms at batch ${summary.batch}, ${metric} ${a.metric.toFixed(4)}`,
          id: `${v.name}/${a.format}`,
        })),
    );
  const kindNames = { plain: 'outside tolerance', highlight: 'within tolerance', best: 'published' };
  return {
    size: scatterChartOption({ title: `${summary.servedFormat} size against ${metric}`, xLabel: 'file size, KB', yLabel: `test ${metric}`, logX: true, kindNames, points: points((a) => a.bytes / 1024) }),
    latency: scatterChartOption({ title: `${summary.servedFormat} latency against ${metric}`, xLabel: `ms per call at batch ${summary.batch}`, yLabel: `test ${metric}`, kindNames, points: points((a) => a.batchMs) }),
  };
}

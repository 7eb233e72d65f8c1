import { escapeHtml } from '../render/escape-html.ts';
import { formatBytes } from '../render/format-bytes.ts';
import { renderChartSvg } from '../render/charts/render-chart-svg.ts';
import { compressionPlotOptions } from './charts/compression-plot-options.ts';
import type { CompressedVariant, CompressionSummary, VariantArtifact } from './compression-summary.ts';

/** The variant whose files the run published, and its served artifact. */
export function chosenArtifact(summary: CompressionSummary): { variant: CompressedVariant; artifact: VariantArtifact } {
  const variant = summary.variants.find((v) => v.name === summary.chosen)!;
  return { variant, artifact: variant.artifacts.find((a) => a.format === summary.servedFormat) ?? variant.artifacts[0]! };
}

/**
 * The report's Compression section: every variant in every format, measured from its saved files,
 * as a table and as size- and latency-against-metric plots, with the published one marked.
 */
export function renderCompressionHtml(summary: CompressionSummary): string {
  const e = escapeHtml;
  const metric = summary.metric.name;
  const baseline = summary.variants.find((v) => v.name === summary.baseline)!;
  const base = (format: string): VariantArtifact | undefined => baseline.artifacts.find((a) => a.format === format);
  const { variant: chosen } = chosenArtifact(summary);
  const out: string[] = ['<h2>Compression</h2>'];
  out.push(
    `<p>Published as <code>model/</code>${summary.variants[0]?.artifacts.some((a) => a.format === 'onnx') ? ' and <code>model.onnx</code>' : ''}: <b>${e(chosen.name)}</b> — ${e(summary.reason)}. ` +
      `The float model is kept as <code>model-float/</code>${base('onnx') ? ' and <code>model-float.onnx</code>' : ''}. ` +
      `Every figure is measured on the saved files loaded back (TF.js by <code>tf.loadLayersModel</code>, ONNX by ONNX Runtime), on the ${summary.testExamples} test examples; ` +
      `latency is the best of several rounds of median call times, every variant timed in turn; gzip is each file compressed at level 9; every variant is saved with batch norm folded into the layer before it (float32 is the trained model saved so). Tolerance: ${summary.metric.higherIsBetter ? `${(summary.tolerance * 100).toFixed(1)} points of ${e(metric)}` : `${(summary.tolerance * 100).toFixed(1)}% more ${e(metric)}`}.</p>`,
  );
  const head = ['variant', 'format', 'parameters', 'size', 'gzip', 'of float', metric, 'change', 'batch 1', `batch ${summary.batch}`, 'speed-up', 'within tolerance'];
  const rows = summary.variants.flatMap((v) =>
    v.artifacts.map((a) => {
      const b = base(a.format);
      const change = b ? (summary.metric.higherIsBetter ? `${((a.metric - b.metric) * 100).toFixed(2)} points` : `${(((a.metric - b.metric) / Math.abs(b.metric || 1)) * 100).toFixed(1)}%`) : '';
      const cells = [
        v.name + (v.name === summary.chosen ? ' ★' : ''),
        a.format,
        v.params.toLocaleString('en-US'),
        formatBytes(a.bytes),
        formatBytes(a.gzipBytes),
        b ? `${((a.bytes / b.bytes) * 100).toFixed(0)}%` : '',
        fixed(a.metric),
        change,
        `${a.batch1Ms.toFixed(3)} ms`,
        `${a.batchMs.toFixed(2)} ms`,
        b ? `${(b.batchMs / a.batchMs).toFixed(2)}x` : '',
        v.withinTolerance ? 'yes' : 'no',
      ];
      return `<tr${v.name === summary.chosen ? ' class="chosen"' : ''}>${cells.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`;
    }),
  );
  out.push(`<table class="compression" style="white-space:nowrap"><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr>${rows.join('')}</table>`);
  const runtimes = [...new Set(summary.variants.flatMap((v) => v.artifacts.map((a) => `${a.format}: ${a.runtime}`)))];
  out.push(`<p>Run by ${e(runtimes.join('; '))}.</p>`);
  for (const v of summary.variants.filter((x) => x.pruning && x.precision === 'float32')) {
    const p = v.pruning!;
    const steps = p.steps.map((s) => `step ${s.step}: ${(s.fraction * 100).toFixed(0)}% pruned, ${s.params.toLocaleString('en-US')} parameters, validation ${fixed(s.valMetric)} after ${s.epochs} epoch${s.epochs === 1 ? '' : 's'}`);
    out.push(`<p><b>${e(v.name)}</b>: ${e(p.summary)}; ${(p.sparsity * 100).toFixed(1)}% of kernel weights zero. ${e(steps.join('; '))}.</p>`);
  }
  const plots = compressionPlotOptions(summary);
  out.push(`<div class="charts">${renderChartSvg(plots.size)}${renderChartSvg(plots.latency)}</div>`);
  out.push(`<p class="sub">One point per variant as ${e(summary.servedFormat)}: orange within the tolerance, grey outside it, ringed the one published.</p>`);
  return out.join('\n');
}

function fixed(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : String(v);
}

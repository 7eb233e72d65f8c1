import { formatBytes } from '../render/format-bytes.ts';
import { chosenArtifact } from './compression-html.ts';
import type { CompressionSummary } from './compression-summary.ts';

/**
 * The compression line `deepline show` prints: the published variant against the float model in
 * the served format, measured on the saved files.
 */
export function formatCompressionText(summary: CompressionSummary): string {
  const { variant, artifact } = chosenArtifact(summary);
  const base = summary.variants.find((v) => v.name === summary.baseline)?.artifacts.find((a) => a.format === artifact.format);
  const metric = summary.metric.name;
  const vs = base
    ? ` (float ${formatBytes(base.bytes)}, ${metric} ${base.metric.toFixed(4)}, ${base.batchMs.toFixed(2)} ms): ${((artifact.bytes / base.bytes) * 100).toFixed(0)}% of the size, ${(base.batchMs / artifact.batchMs).toFixed(2)}x the speed`
    : '';
  return `compression: ${variant.name} as ${artifact.format}, ${formatBytes(artifact.bytes)}, ${metric} ${artifact.metric.toFixed(4)}, ${artifact.batchMs.toFixed(2)} ms at batch ${summary.batch}${vs}; ${summary.variants.length} variants measured, ${summary.mode === 'auto' ? 'chosen automatically' : 'as asked'}`;
}

import { escapeHtml } from '../../render/escape-html.ts';
import { renderChartSvg } from '../../render/charts/render-chart-svg.ts';
import type { LatencyObjective } from './serving-config.ts';
import { targetBenchChartOptions } from './target-bench-chart-options.ts';
import type { TargetBenchResult } from './target-bench-result.ts';
import { formatMs, targetBenchTable } from './target-bench-table.ts';

const OBJECTIVE_SOURCE: Record<LatencyObjective['source'], string> = {
  task: "the task's constraints.maxLatencyMs",
  option: '--max-latency-ms',
  default: 'the default: the task sets no constraints.maxLatencyMs',
};

/**
 * The report's target-benchmark section (its content, between the markers): where and how it
 * was measured, the choice and why, the table, and throughput and worst-case latency against
 * batch size per engine (log-2 x axis), drawn from the options the UI draws too. Static HTML and
 * inline SVG only, like the rest of the page.
 */
export function renderTargetBenchSection(result: TargetBenchResult): string {
  const e = escapeHtml;
  const { machine, settings, objective, choice } = result;
  const measured = result.engines.filter((engine) => engine.cells.length > 0);
  const parts: string[] = ['<h2>Target benchmark</h2>'];
  parts.push(
    `<p>Measured ${e(result.measuredAt.slice(0, 16).replace('T', ' '))} UTC on ${e(machine.cpu)} (${machine.cores} cores, ${machine.memoryGB} GB, ${e(machine.platform)}-${e(machine.arch)}, Node ${e(machine.node)}) ` +
      `with ${settings.threads} thread${settings.threads === 1 ? '' : 's'}: one predict call (inputs in, predictions out) timed after warm-up, about ${settings.cellMs} ms per engine and batch size, each engine in a process of its own. ` +
      `Latency objective: ${formatMs(objective.maxLatencyMs)} ms (${e(OBJECTIVE_SOURCE[objective.source])}).</p>`,
  );
  parts.push(
    `<p><b>Serving: ${e(choice.engine)}, batches of up to ${choice.maxBatch}, ${choice.maxWaitMs} ms wait</b>${choice.meetsObjective ? '' : ' (<b>misses the objective</b>)'} — ${e(choice.reason)}. ` +
      'Recorded in <code>serving.json</code>, which <code>deepline serve</code> follows for any setting not given on its command line; every figure is in <code>target-bench.json</code>.</p>',
  );
  const { header, rows } = targetBenchTable(result);
  // In the chosen row, the chosen engine's figures stand out.
  const bold = (row: readonly string[], i: number): boolean => row[row.length - 1] !== '' && (i === 0 || i === row.length - 1 || header[i]!.startsWith(`${choice.engine} `));
  parts.push(
    `<table><tr>${header.map((h) => `<th>${e(h)}</th>`).join('')}</tr>${rows
      .map((row) => `<tr>${row.map((v, i) => `<td>${bold(row, i) ? `<b>${e(v)}</b>` : e(v)}</td>`).join('')}</tr>`)
      .join('')}</table>`,
  );
  const failed = result.engines.filter((engine) => engine.error !== undefined);
  if (failed.length > 0) parts.push(`<p>Not measured: ${failed.map((f) => `${e(f.engine)} — ${e(f.error!)}`).join('; ')}.</p>`);
  const runtimes = measured.map((m) => `${e(m.engine)}: ${e(m.runtime ?? m.engine)}`).join('; ');
  if (runtimes) parts.push(`<p class="sub">${runtimes}.</p>`);

  const charts = targetBenchChartOptions(result);
  const throughput = renderChartSvg(charts.throughput);
  const latency = renderChartSvg(charts.latency);
  parts.push(`<div class="charts">${throughput}${latency}</div>`);
  return parts.join('\n');
}

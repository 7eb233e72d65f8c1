import type { TargetBenchResult } from './target-bench-result.ts';

/**
 * The measurements as one table, a row per batch size and p50, p99 (ms) and examples/s per
 * engine measured, the chosen row marked: printed by the command and shown in the report.
 */
export function targetBenchTable(result: TargetBenchResult): { header: string[]; rows: string[][] } {
  const engines = result.engines.filter((e) => e.cells.length > 0);
  const header = ['batch', ...engines.flatMap((e) => [`${e.engine} p50 ms`, `${e.engine} p99 ms`, `${e.engine} ex/s`]), ''];
  const rows = result.settings.batchSizes.map((batch) => [
    String(batch),
    ...engines.flatMap((e) => {
      const cell = e.cells.find((c) => c.batch === batch);
      return cell ? [formatMs(cell.p50Ms), formatMs(cell.p99Ms), formatRate(cell.throughput)] : ['-', '-', '-'];
    }),
    batch === result.choice.maxBatch ? `← chosen: ${result.choice.engine}` : '',
  ]);
  return { header, rows };
}

/** Milliseconds to 3 significant digits (0.0412, 1.25, 37.1). */
export function formatMs(ms: number): string {
  return Number.isFinite(ms) ? String(Number(ms.toPrecision(3))) : String(ms);
}

/** Examples per second, whole, with thousands separators. */
export function formatRate(perSecond: number): string {
  return Number.isFinite(perSecond) ? Math.round(perSecond).toLocaleString('en-US') : String(perSecond);
}

import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isFileSystemError } from '../errors/index.ts';
import type { MonitorResult } from '../monitor/monitor-model.ts';
import { readPredictionLog } from '../monitor/prediction-log/prediction-log-reader.ts';
import type { DriftCheckView, MonitoringModelView, ServingStatsView } from './api-types.ts';

/** The name of a check: the time `deepline monitor` ran it, as its file names it. */
export const CHECK_ID = /^[0-9A-Za-z-]{1,64}$/;

/** Folders of a directory whose names could be a model's; none when it does not exist. */
export async function modelFolders(dir: string, pattern: RegExp): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && pattern.test(e.name)).map((e) => e.name);
  } catch (e) {
    if (isFileSystemError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return [];
    throw e;
  }
}

/** Every drift check `deepline monitor` recorded for a model (`<monitorDir>/<model>/<time>.json`), oldest first. */
export async function driftChecks(monitorDir: string, model: string): Promise<DriftCheckView[]> {
  const folder = join(monitorDir, model);
  const names = (await modelFolders(monitorDir, /^/)).includes(model) ? await readdir(folder) : [];
  const checks: DriftCheckView[] = [];
  for (const file of names.filter((n) => n.endsWith('.json')).sort()) {
    const id = file.slice(0, -'.json'.length);
    if (!CHECK_ID.test(id)) continue;
    let result: MonitorResult;
    try {
      result = JSON.parse(await readFile(join(folder, file), 'utf8')) as MonitorResult;
    } catch {
      continue;
    }
    if (!Array.isArray(result.features)) continue;
    checks.push({
      id,
      from: result.from,
      to: result.to,
      window: result.window,
      drift: result.drift,
      drifted: result.drifted,
      alpha: result.alpha,
      correction: result.correction,
      features: result.features.map((f) => ({
        feature: f.feature,
        kind: f.kind,
        detector: f.detector,
        statistic: f.statistic,
        ...(f.pValue !== undefined && { pValue: f.pValue }),
        ...(f.adjustedPValue !== undefined && { adjustedPValue: f.adjustedPValue }),
        ...(f.threshold !== undefined && { threshold: f.threshold }),
        drift: f.drift,
      })),
      ...(existsSync(join(folder, `${id}.html`)) && { reportUrl: `/api/monitoring/${encodeURIComponent(model)}/reports/${id}` }),
    });
  }
  return checks;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Serving figures of a model from its prediction log: the most recent `limit` logged instances
 * (read in one pass, holding only those), their latency quantiles, versions, predicted labels
 * and a per-minute series. Undefined when nothing was logged.
 */
export async function servingStats(predictionsDir: string, model: string, limit = 5000): Promise<ServingStatsView | undefined> {
  if (!existsSync(predictionsDir)) return undefined;
  const ring: { time: string; latencyMs: number; version: string; label?: string }[] = [];
  let skipped = 0;
  for await (const r of readPredictionLog(predictionsDir, { model, onWarning: () => void skipped++ })) {
    const label = (r.prediction as { label?: unknown } | null)?.label;
    ring.push({ time: r.time, latencyMs: r.latencyMs, version: r.version ?? '', ...(typeof label === 'string' && { label }) });
    if (ring.length > limit) ring.shift();
  }
  if (ring.length === 0) return undefined;
  const latencies = ring.map((r) => r.latencyMs).filter(Number.isFinite).sort((a, b) => a - b);
  const versions: Record<string, number> = {};
  const labels: Record<string, number> = {};
  const minutes = new Map<string, number[]>();
  for (const r of ring) {
    versions[r.version] = (versions[r.version] ?? 0) + 1;
    if (r.label !== undefined) labels[r.label] = (labels[r.label] ?? 0) + 1;
    const minute = `${r.time.slice(0, 16)}:00Z`;
    minutes.set(minute, [...(minutes.get(minute) ?? []), r.latencyMs]);
  }
  return {
    records: ring.length,
    from: ring[0]!.time,
    to: ring[ring.length - 1]!.time,
    latencyMs: {
      p50: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
      p99: quantile(latencies, 0.99),
      mean: latencies.reduce((a, v) => a + v, 0) / Math.max(1, latencies.length),
    },
    versions,
    ...(Object.keys(labels).length > 0 && { labels }),
    perMinute: [...minutes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([minute, values]) => ({ minute, count: values.length, p50LatencyMs: quantile([...values].sort((a, b) => a - b), 0.5) })),
    skipped,
  };
}

/** A model's monitoring: its drift checks and serving figures. */
export async function monitoringOf(model: string, dirs: { readonly monitorDir: string; readonly predictionsDir: string }): Promise<MonitoringModelView> {
  const [checks, serving] = await Promise.all([driftChecks(dirs.monitorDir, model), servingStats(dirs.predictionsDir, model)]);
  return { model, checks, ...(serving && { serving }) };
}

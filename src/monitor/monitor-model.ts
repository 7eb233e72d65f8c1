import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DeeplineError } from '../errors/index.ts';
import type { Registry } from '../extensions/registry.ts';
import { checkWindow } from './check-window.ts';
import type { Correction, FeatureDrift } from './drift/detect-drift.ts';
import type { DriftDetector } from './drift/drift-detector.ts';
import { renderDriftReportHtml } from './drift/drift-report-html.ts';
import { readPredictionLog } from './prediction-log/prediction-log-reader.ts';
import type { MonitorReference } from './reference/monitor-reference.ts';

export interface MonitorModelOptions {
  /** The model's folder (a run's output folder, or a registry version's pinned files). */
  readonly dir: string;
  /** The name it was served and logged under. */
  readonly name: string;
  readonly logDir: string;
  /** Where reports and results go: `<monitorDir>/<name>/<time>.html` and `.json`. */
  readonly monitorDir: string;
  readonly window: number;
  readonly since?: string;
  readonly version?: string;
  readonly alpha: number;
  readonly correction: Correction;
  /** A report path instead of the default one under `monitorDir`. */
  readonly report?: string;
  readonly detectors: Registry<DriftDetector>;
}

/** One check's result, as printed, recorded beside its report and sent to a webhook. */
export interface MonitorResult {
  readonly model: string;
  readonly folder: string;
  readonly window: number;
  readonly from: string;
  readonly to: string;
  readonly drift: boolean;
  readonly drifted: readonly string[];
  readonly alpha: number;
  readonly correction: Correction;
  readonly features: readonly FeatureDrift[];
  readonly untested: readonly string[];
  readonly skippedLines: number;
  readonly report: string;
}

/**
 * `deepline monitor`'s check: the most recent `window` logged predictions of the model (read once,
 * in constant memory) against its monitoring reference; writes the HTML report and the result
 * (JSON) beside it, and returns the result. Too few logged predictions is DL_DATA_MISSING.
 */
export async function monitorModel(options: MonitorModelOptions): Promise<MonitorResult> {
  const referenceFile = join(options.dir, 'monitor-reference.json');
  if (!existsSync(referenceFile)) {
    throw new DeeplineError('DL_DATA_MISSING', `${referenceFile} does not exist: the run that made ${options.dir} kept no monitoring reference`, {
      hint: 'rerun the task with this version of deepline (every run now writes monitor-reference.json)',
      location: { file: referenceFile },
    });
  }
  const reference = JSON.parse(readFileSync(referenceFile, 'utf8')) as MonitorReference;
  const ring: { instance?: unknown; prediction?: { label?: string; value?: number }; embedding?: readonly number[]; time: string }[] = [];
  let skipped = 0;
  for await (const record of readPredictionLog(options.logDir, { model: options.name, ...(options.since && { since: options.since }), ...(options.version && { version: options.version }), onWarning: () => void skipped++ })) {
    ring.push({ instance: record.input, prediction: record.prediction as { label?: string; value?: number }, ...(record.embedding && { embedding: [...record.embedding] }), time: record.time });
    if (ring.length > options.window) ring.shift();
  }
  if (ring.length < 2) {
    throw new DeeplineError('DL_DATA_MISSING', `the prediction log in ${options.logDir} holds ${ring.length} prediction${ring.length === 1 ? '' : 's'} of ${options.name}${options.since ? ` since ${options.since}` : ''}: too few to compare`, {
      hint: 'serve the model with logging on (deepline serve logs to <home>/predictions by default) and send it traffic, or name it as it was served (--name)',
    });
  }
  const result = checkWindow(reference, ring, options.detectors, { alpha: options.alpha, correction: options.correction });
  const from = ring[0]!.time;
  const to = ring[ring.length - 1]!.time;
  const report = resolve(options.report ?? join(options.monitorDir, options.name, `${new Date().toISOString().replace(/[:.]/g, '-')}.html`));
  await mkdir(join(report, '..'), { recursive: true });
  await writeFile(report, renderDriftReportHtml({ model: options.name, check: result.check, windowSize: ring.length, from, to, reference: result.reference, window: result.window, untested: result.untested }));
  const summary: MonitorResult = {
    model: options.name,
    folder: options.dir,
    window: ring.length,
    from,
    to,
    drift: result.check.drift,
    drifted: result.check.drifted,
    alpha: options.alpha,
    correction: options.correction,
    features: result.check.features,
    untested: result.untested,
    skippedLines: skipped,
    report,
  };
  // The result is recorded beside its report, so a history of checks stays in the workspace.
  await writeFile(report.replace(/\.html$/, '.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** POSTs a result; a webhook that fails is reported on stderr, not fatal: the check itself is done. */
export async function postWebhook(url: string, body: unknown): Promise<void> {
  try {
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    if (!r.ok) process.stderr.write(`warning: the webhook ${url} answered ${r.status}\n`);
  } catch (e) {
    process.stderr.write(`warning: could not POST to the webhook ${url}: ${(e as Error).message}\n`);
  }
}

import type { MetricRecord, RunDetail } from '../store/metadata/metadata-store.ts';
import type { LiveRunStatus } from '../store/run-locks.ts';
import type { ArtifactView, LearningCurve, LineageLink, LineageNode, LineageView, MetricValue, RunDetailView, StepView, UiStepStatus } from './api-types.ts';
import { summariseRun } from './run-summary.ts';
import { studyNameOf } from './study-view.ts';

/** Steps whose outputs the UI links to: report, data report, compression and robustness summaries. */
const LINKED_OUTPUTS = { report: ['report', 'report'], dataReport: ['data-report', 'report'], compression: ['compress', 'summary'], security: ['robustness', 'robustness'] } as const;

/** The artifact hash a step of the run wrote under an output name (its last record of that step). */
export function outputOf(detail: RunDetail, step: string, output: string): string | undefined {
  return detail.steps.filter((s) => s.name === step && s.outputs[output] !== undefined).at(-1)?.outputs[output];
}

/** Metrics as the Run page shows them: last values, and every series logged per epoch or step. */
export function metricsOf(metrics: readonly MetricRecord[]): { metrics: MetricValue[]; curves: LearningCurve[] } {
  const last = new Map<string, MetricValue>();
  const curves = new Map<string, { step: string; key: string; axis: 'epoch' | 'step'; points: { x: number; y: number | null }[] }>();
  for (const m of metrics) {
    const value = Number.isNaN(m.value) ? null : m.value;
    last.set(`${m.stepName}\u0000${m.key}`, { step: m.stepName, key: m.key, value, at: m.at });
    const axis = m.epoch !== undefined ? 'epoch' : m.step !== undefined ? 'step' : undefined;
    if (!axis) continue;
    const id = `${m.stepName}\u0000${m.key}\u0000${axis}`;
    const curve = curves.get(id) ?? { step: m.stepName, key: m.key, axis, points: [] };
    curve.points.push({ x: (axis === 'epoch' ? m.epoch : m.step)!, y: value });
    curves.set(id, curve);
  }
  return { metrics: [...last.values()], curves: [...curves.values()] };
}

/**
 * The Run page's data from a run's stored detail: the steps as a timeline (a step still marked
 * running in a run whose process is gone reads `interrupted`), metrics and curves, artifacts with
 * download links, the lineage graph from the data version to the model, and links.
 */
export function buildRunDetailView(detail: RunDetail, status: LiveRunStatus, now: number, actionsAllowed = false): RunDetailView {
  const run = summariseRun(detail, status, now);
  const runStart = Date.parse(detail.run.startedAt);
  const steps: StepView[] = detail.steps.map((s) => {
    const stepStatus: UiStepStatus = s.status === 'running' && status !== 'running' ? 'interrupted' : s.status;
    const durationMs = s.durationMs ?? (stepStatus === 'running' ? Math.max(0, now - Date.parse(s.startedAt)) : undefined);
    return {
      id: s.id,
      name: s.name,
      version: s.version,
      status: stepStatus,
      cached: s.status === 'cached',
      startedAt: s.startedAt,
      ...(s.endedAt !== undefined && { endedAt: s.endedAt }),
      ...(durationMs !== undefined && { durationMs }),
      offsetMs: Math.max(0, Date.parse(s.startedAt) - runStart),
      params: s.params,
      outputs: s.outputs,
      ...(s.error !== undefined && { error: s.error }),
    };
  });
  const names = new Map<string, string[]>();
  for (const e of detail.lineage) {
    const name = `${e.stepName}.${e.name}`;
    const list = names.get(e.artifactHash) ?? [];
    if (e.direction === 'output' && !list.includes(name)) list.push(name);
    names.set(e.artifactHash, list);
  }
  const base = `/api/runs/${encodeURIComponent(detail.run.id)}`;
  const artifacts: ArtifactView[] = detail.artifacts.map((a) => ({
    hash: a.hash,
    names: names.get(a.hash) ?? [],
    kind: a.kind,
    size: a.size,
    createdAt: a.createdAt,
    url: `${base}/artifacts/${a.hash}`,
  }));
  const { metrics, curves } = metricsOf(detail.metrics);
  const study = run.hasSearch ? studyNameOf(detail) : undefined;
  const linked = (key: keyof typeof LINKED_OUTPUTS): boolean => outputOf(detail, LINKED_OUTPUTS[key][0], LINKED_OUTPUTS[key][1]) !== undefined;
  return {
    run,
    spec: detail.run.spec,
    steps,
    params: detail.params,
    metrics,
    curves,
    artifacts,
    lineage: lineageOf(detail, run.dataVersion, run.preparedDataVersion),
    ...(study !== undefined && { study }),
    links: {
      ...(linked('report') && { report: `${base}/report` }),
      ...(linked('dataReport') && { dataReport: `${base}/data-report` }),
      ...(study !== undefined && { study: `${base}/study` }),
      ...(linked('compression') && { compression: `${base}/compression` }),
      ...(linked('security') && { security: `${base}/security` }),
      events: `/api/events?run=${encodeURIComponent(detail.run.id)}`,
    },
    actionsAllowed,
  };
}

/**
 * The lineage as a graph: the raw data version feeds the first step (ingest); every artifact is
 * a node between the step that wrote it and the steps that read it; the model node is the
 * artifact published as the model (compressed when the run compressed it).
 */
function lineageOf(detail: RunDetail, dataVersion: string | undefined, preparedDataVersion: string | undefined): LineageView {
  const nodes = new Map<string, LineageNode>();
  const links: LineageLink[] = [];
  const modelHash = outputOf(detail, 'compress', 'model') ?? outputOf(detail, 'train', 'model');
  for (const s of detail.steps) nodes.set(`step:${s.id}`, { id: `step:${s.id}`, kind: 'step', label: s.name, stepId: s.id });
  for (const e of detail.lineage) {
    const id = `artifact:${e.artifactHash}`;
    if (!nodes.has(id)) {
      nodes.set(id, { id, kind: e.artifactHash === modelHash ? 'model' : 'artifact', label: `${e.stepName}.${e.name}`, hash: e.artifactHash });
    }
    links.push(e.direction === 'output' ? { from: `step:${e.stepId}`, to: id, name: e.name, direction: 'output' } : { from: id, to: `step:${e.stepId}`, name: e.name, direction: 'input' });
  }
  const ingest = detail.steps.find((s) => s.name === 'ingest');
  if (dataVersion !== undefined) {
    nodes.set(`data:${dataVersion}`, { id: `data:${dataVersion}`, kind: 'data', label: `data ${dataVersion.slice(0, 12)}`, hash: dataVersion });
    if (ingest) links.push({ from: `data:${dataVersion}`, to: `step:${ingest.id}`, name: 'data', direction: 'input' });
  }
  return {
    ...(dataVersion !== undefined && { dataVersion }),
    ...(preparedDataVersion !== undefined && { preparedDataVersion }),
    ...(modelHash !== undefined && { modelHash }),
    nodes: [...nodes.values()],
    links,
  };
}

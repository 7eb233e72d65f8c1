import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DeeplineError } from '../../errors/index.ts';
import type { CompressionSummary } from '../../evaluate/compression-summary.ts';
import type { RobustnessSummary } from '../../evaluate/robustness-summary.ts';
import type { RunDetail } from '../../store/metadata/metadata-store.ts';
import type { CompressionView, RunDeletedView, RunSortKey, SecurityView, UiRunStatus } from '../api-types.ts';
import { compareRuns } from '../compare-view.ts';
import { requireAction, TOKEN_HEADER } from '../action-guard.ts';
import { notFound } from '../not-found.ts';
import { buildRunDetailView, metricsOf, outputOf } from '../run-detail-view.ts';
import { summariseRun } from '../run-summary.ts';
import { parseInput } from '../ui-input.ts';
import type { UiState } from '../ui-state.ts';
import { sendArtifactFile } from './send-artifact-file.ts';

const RUN_STATUSES = ['running', 'completed', 'failed', 'interrupted'] as const satisfies readonly UiRunStatus[];
const SORT_KEYS = ['startedAt', 'name', 'status', 'taskType', 'metric', 'duration', 'engine'] as const satisfies readonly RunSortKey[];

/** A run id as deepline makes them (`20261125-194436-3f9a`), or a prefix of one. */
export const RUN_ID = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'a run id: letters, digits, `.`, `_` and `-` (see GET /api/runs)');

/** A comma-separated list of values from `choices`. */
function commaList<T extends string>(choices: readonly T[]): z.ZodType<T[] | undefined> {
  return z
    .string()
    .max(1000)
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s === '') return undefined;
      const items = s.split(',').map((x) => x.trim());
      const bad = items.filter((x) => !(choices as readonly string[]).includes(x));
      if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `${bad.map((b) => JSON.stringify(b)).join(', ')} is not one of ${choices.join(', ')}` });
      return items as T[];
    }) as unknown as z.ZodType<T[] | undefined>;
}

const RunsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  status: commaList(RUN_STATUSES),
  task: z
    .string()
    .max(1000)
    .regex(/^[a-z0-9,-]*$/, 'task types separated by commas, e.g. tabular-classification,image-classification')
    .optional()
    .transform((s) => (s ? s.split(',').filter(Boolean) : undefined)),
  q: z.string().max(200).optional(),
  sort: z.enum(SORT_KEYS).default('startedAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
});

const IdParams = z.strictObject({ id: RUN_ID });

const CompareQuery = z.strictObject({
  ids: z
    .string()
    .max(2000)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(
      z
        .array(RUN_ID)
        .min(2, 'name at least two runs to compare, separated by commas')
        .max(10, 'compare at most 10 runs at once')
        .refine((ids) => new Set(ids).size === ids.length, 'each run may be named once'),
    ),
});

/** A run by its id or a unique prefix of it; DL_RUN_NOT_FOUND (404) or DL_UI_INPUT (ambiguous). */
export async function resolveRun(state: UiState, id: string): Promise<RunDetail> {
  let detail = await state.workspace.metadata.getRunDetail(id);
  if (!detail) {
    let matches = state.index.all().filter((r) => r.id.startsWith(id));
    if (matches.length === 0) {
      // A run created since the last poll.
      await state.watcher.poll();
      matches = state.index.all().filter((r) => r.id.startsWith(id));
    }
    if (matches.length > 1) {
      throw new DeeplineError('DL_UI_INPUT', `run id prefix ${JSON.stringify(id)} matches ${matches.length} runs`, { hint: 'give more characters of the id' });
    }
    if (matches.length === 1) detail = await state.workspace.metadata.getRunDetail(matches[0]!.id);
  }
  if (!detail) throw new DeeplineError('DL_RUN_NOT_FOUND', `no run ${JSON.stringify(id)} in this workspace`, { hint: 'list runs with GET /api/runs' });
  return detail;
}

/** GET /api/runs, /api/runs/:id, /api/compare, and a run's reports, compression and security figures; DELETE /api/runs/:id (an action). */
export async function runRoutes(app: FastifyInstance, { state }: { state: UiState }): Promise<void> {
  app.get('/api/runs', async (request) => {
    const query = parseInput(RunsQuery, request.query, 'query');
    return state.index.page({
      limit: query.limit,
      offset: query.offset,
      sort: query.sort,
      order: query.order,
      ...(query.status && { status: query.status }),
      ...(query.task && { task: query.task }),
      ...(query.q !== undefined && query.q !== '' && { q: query.q }),
    });
  });

  app.get('/api/runs/:id', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'params');
    const detail = await resolveRun(state, id);
    return buildRunDetailView(detail, await state.workspace.liveStatus(detail.run), Date.now(), state.allowActions);
  });

  app.delete('/api/runs/:id', async (request): Promise<RunDeletedView> => {
    requireAction(state.allowActions, state.token, request.headers[TOKEN_HEADER]);
    const { id } = parseInput(IdParams, request.params, 'params');
    // The whole id: a prefix is fine for reading, not for deleting.
    const run = await state.workspace.deleteRun(id);
    await state.watcher.pollAfterOwnWrite();
    return { deleted: { id: run.id, name: run.name } };
  });

  app.get('/api/compare', async (request) => {
    const { ids } = parseInput(CompareQuery, request.query, 'query');
    const details = await Promise.all(ids.map((id) => resolveRun(state, id)));
    const now = Date.now();
    const statuses = await Promise.all(details.map((d) => state.workspace.liveStatus(d.run)));
    return compareRuns(details.map((d, k) => ({ summary: summariseRun(d, statuses[k]!, now), params: d.params, ...metricsOf(d.metrics) })));
  });

  const report = (route: string, step: string, file: string, what: string): void => {
    app.get(route, async (request, reply) => {
      const { id } = parseInput(IdParams, request.params, 'params');
      const detail = await resolveRun(state, id);
      const hash = outputOf(detail, step, 'report');
      if (!hash) throw notFound(`run ${detail.run.id} has no ${what} (yet)`, `its ${step} step writes it; GET /api/runs/${detail.run.id} shows how far the run got`);
      return sendArtifactFile(state, reply, hash, [file], { inline: true });
    });
  };
  report('/api/runs/:id/report', 'report', 'report.html', 'run report');
  report('/api/runs/:id/data-report', 'data-report', 'data-report.html', 'data report');
  // report.html links to its data report as a sibling file.
  report('/api/runs/:id/data-report.html', 'data-report', 'data-report.html', 'data report');

  app.get('/api/runs/:id/compression', async (request): Promise<CompressionView> => {
    const { id } = parseInput(IdParams, request.params, 'params');
    const detail = await resolveRun(state, id);
    const summary = await readOutput<CompressionSummary>(state, detail, 'compress', 'summary');
    if (!summary) return { runId: detail.run.id };
    return {
      runId: detail.run.id,
      compression: {
        metric: summary.metric,
        mode: summary.mode,
        tolerance: summary.tolerance,
        batch: summary.batch,
        servedFormat: summary.servedFormat,
        baseline: summary.baseline,
        chosen: summary.chosen,
        reason: summary.reason,
        variants: summary.variants.map((v) => ({
          name: v.name,
          precision: v.precision,
          ...(v.pruning && { pruning: { method: v.pruning.method, amount: v.pruning.amount, sparsity: v.pruning.sparsity, summary: v.pruning.summary } }),
          params: v.params,
          withinTolerance: v.withinTolerance,
          chosen: v.name === summary.chosen,
          artifacts: v.artifacts.map((a) => ({ format: a.format, fileName: a.fileName, bytes: a.bytes, gzipBytes: a.gzipBytes, metric: a.metric, batch1Ms: a.batch1Ms, batchMs: a.batchMs, runtime: a.runtime })),
        })),
      },
    };
  });

  app.get('/api/runs/:id/security', async (request): Promise<SecurityView> => {
    const { id } = parseInput(IdParams, request.params, 'params');
    const detail = await resolveRun(state, id);
    const summary = await readOutput<RobustnessSummary>(state, detail, 'robustness', 'robustness');
    if (!summary) return { runId: detail.run.id };
    if (summary.status === 'skipped') return { runId: detail.run.id, robustness: { status: 'skipped', reason: summary.reason } };
    return {
      runId: detail.run.id,
      robustness: {
        status: 'measured',
        attack: summary.attack,
        epsilonUnit: summary.epsilonUnit,
        examples: summary.examples,
        cleanAccuracy: summary.cleanAccuracy,
        curve: summary.curve.map((p) => ({ epsilon: p.epsilon, accuracy: p.accuracy })),
        ...(summary.minimal && { minimalEpsilon: summary.minimal.median }),
        ...(summary.gate && { gate: summary.gate }),
      },
    };
  });
}

/** The JSON a step of the run wrote under an output name, if it did. */
async function readOutput<T>(state: UiState, detail: RunDetail, step: string, output: string): Promise<T | undefined> {
  const hash = outputOf(detail, step, output);
  const ref = hash === undefined ? undefined : await state.workspace.artifacts.get(hash);
  return ref ? state.workspace.artifacts.readJson<T>(ref) : undefined;
}

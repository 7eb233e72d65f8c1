import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MODEL_NAME_PATTERN } from '../../model-registry/model-name.ts';
import type { ModelVersion, RegisteredModel, StageChange, StageEvent } from '../../model-registry/model-registry-store.ts';
import { promoteVersion } from '../../model-registry/promote-version.ts';
import type { ModelDetailView, ModelsView, ModelVersionView, ModelView, StageChangeView, StageEventView } from '../api-types.ts';
import { TOKEN_HEADER, requireAction } from '../action-guard.ts';
import { notFound } from '../not-found.ts';
import { parseInput } from '../ui-input.ts';
import type { UiState } from '../ui-state.ts';

const NameParams = z.strictObject({ name: z.string().regex(MODEL_NAME_PATTERN, 'a registered model name (GET /api/models lists them)') });
const PromoteBody = z.strictObject({
  version: z.number().int().min(1),
  stage: z.enum(['production', 'staging', 'archived']).default('production'),
  reason: z.string().max(500).optional(),
  force: z.boolean().optional(),
});
const RollbackBody = z.strictObject({ reason: z.string().max(500).optional() });

/** Who the registry records for a change made from the dashboard. */
const ACTOR = 'ui';

function versionView(v: ModelVersion): ModelVersionView {
  return {
    version: v.version,
    stage: v.stage,
    registeredAt: v.registeredAt,
    ...(v.runId !== undefined && { runId: v.runId }),
    task: v.task,
    ...(v.dataVersion !== undefined && { dataVersion: v.dataVersion }),
    metrics: v.metrics,
    gates: v.gates as Readonly<Record<string, string>>,
    size: v.artifacts.size,
    source: v.source,
    actor: v.actor,
    ...(v.note !== undefined && { note: v.note }),
  };
}

function modelView(m: RegisteredModel, versions: readonly ModelVersion[]): ModelView {
  return {
    name: m.name,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    ...(m.production !== undefined && { production: m.production }),
    ...(m.staging !== undefined && { staging: m.staging }),
    versions: versions.map(versionView),
  };
}

function eventView(e: StageEvent): StageEventView {
  return {
    id: e.id,
    version: e.version,
    kind: e.kind,
    ...(e.from !== undefined && { from: e.from }),
    to: e.to,
    actor: e.actor,
    ...(e.reason !== undefined && { reason: e.reason }),
    forced: e.forced,
    ...(e.gates && { gates: e.gates }),
    at: e.at,
  };
}

function changeView(model: string, change: StageChange): StageChangeView {
  return {
    model,
    version: change.version.version,
    stage: change.version.stage,
    ...(change.replaced && { replaced: change.replaced.version }),
    events: change.events.map(eventView),
  };
}

/**
 * The model registry: GET /api/models and /api/models/:name (versions, stages, history), and —
 * only with `--allow-actions` and the per-launch token — POST promote and rollback, which go
 * through the registry's own atomic stage changes with the release gates checked.
 */
export async function modelRoutes(app: FastifyInstance, { state }: { state: UiState }): Promise<void> {
  const { registry } = state.workspace;
  const modelOf = async (name: string): Promise<RegisteredModel> => {
    const model = await registry.getModel(name);
    if (!model) throw notFound(`no model ${JSON.stringify(name)} in the registry`, 'GET /api/models lists them; `deepline registry register` adds one');
    return model;
  };

  app.get('/api/models', async (): Promise<ModelsView> => {
    const models = await registry.listModels();
    const views = await Promise.all(models.map(async (m) => modelView(m, await registry.listVersions(m.name))));
    return { models: views, actionsAllowed: state.allowActions };
  });

  app.get('/api/models/:name', async (request): Promise<ModelDetailView> => {
    const { name } = parseInput(NameParams, request.params, 'params');
    const model = await modelOf(name);
    const [versions, history] = await Promise.all([registry.listVersions(name), registry.history(name)]);
    return { model: modelView(model, versions), history: history.map(eventView), actionsAllowed: state.allowActions };
  });

  app.post('/api/models/:name/promote', async (request): Promise<StageChangeView> => {
    requireAction(state.allowActions, state.token, request.headers[TOKEN_HEADER]);
    const { name } = parseInput(NameParams, request.params, 'params');
    const body = parseInput(PromoteBody, request.body, 'body');
    await modelOf(name);
    const change = await promoteVersion(registry, {
      model: name,
      version: body.version,
      stage: body.stage,
      actor: ACTOR,
      ...(body.reason !== undefined && { reason: body.reason }),
      ...(body.force === true && { force: true }),
    });
    await state.watcher.poll();
    return changeView(name, change);
  });

  app.post('/api/models/:name/rollback', async (request): Promise<StageChangeView> => {
    requireAction(state.allowActions, state.token, request.headers[TOKEN_HEADER]);
    const { name } = parseInput(NameParams, request.params, 'params');
    const body = parseInput(RollbackBody, request.body, 'body');
    await modelOf(name);
    const change = await registry.rollback({ model: name, actor: ACTOR, ...(body.reason !== undefined && { reason: body.reason }) });
    await state.watcher.poll();
    return changeView(name, change);
  });
}

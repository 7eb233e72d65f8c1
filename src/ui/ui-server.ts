import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { isDeeplineError } from '../errors/index.ts';
import type { ApiError } from './api-types.ts';
import { checkHost } from './action-guard.ts';
import { RunIndex } from './run-index.ts';
import { StoreWatcher } from './store-watcher.ts';
import { UiInputError } from './ui-input.ts';
import type { UiState } from './ui-state.ts';
import type { UiWorkspace } from './ui-workspace.ts';
import { artifactRoutes } from './routes/artifact-routes.ts';
import { eventRoutes } from './routes/event-routes.ts';
import { infoRoutes } from './routes/info-routes.ts';
import { modelRoutes } from './routes/model-routes.ts';
import { monitoringRoutes } from './routes/monitoring-routes.ts';
import { runRoutes } from './routes/run-routes.ts';
import { staticRoutes } from './routes/static-routes.ts';
import { studyRoutes } from './routes/study-routes.ts';

export interface UiServerOptions {
  readonly workspace: UiWorkspace;
  /** Allow promote/rollback (with the token). Default false. */
  readonly allowActions?: boolean;
  /** The per-launch token; default: 32 random bytes, base64url. Only used with allowActions. */
  readonly token?: string;
  /** How often the stores are polled for live events (ms); default 250. */
  readonly pollMs?: number;
  /** Where the built web app is; default `dist/web/` (or `dist/ui/`) of the package. */
  readonly staticDir?: string;
  /** deepline's version, for /api/info. */
  readonly version?: string;
  /** Where the prediction logs are (`deepline serve --log`); default `<home>/predictions`. */
  readonly predictionsDir?: string;
  /** Where `deepline monitor` wrote its checks; default `<home>/monitor`. */
  readonly monitorDir?: string;
  /** Whether the Host header must name this machine (default true: a defence against DNS rebinding). */
  readonly checkHost?: boolean;
  /** Receives errors of the background poll (default: ignored). */
  readonly onError?: (error: unknown) => void;
}

export interface UiServer {
  readonly app: FastifyInstance;
  readonly state: UiState;
  /** The token state-changing requests need (`x-deepline-token`), when actions are allowed. */
  readonly token?: string;
  /** Starts polling the stores; call before `app.listen`. */
  start(): Promise<void>;
  /** Stops polling, ends event streams, closes the server (not the workspace). */
  close(): Promise<void>;
}

/** HTTP status of each error code the API answers with. */
const STATUS: Partial<Record<string, number>> = {
  DL_UI_INPUT: 400,
  DL_UI_NOT_FOUND: 404,
  DL_RUN_NOT_FOUND: 404,
  DL_UI_FORBIDDEN: 403,
  DL_REGISTRY: 409,
  DL_GATE: 409,
  DL_RUN_LOCKED: 409,
};

/**
 * `deepline ui`'s server: a fastify app with one plugin per route group (runs, artifacts,
 * studies, models, monitoring, events, static files) over one run index and one store watcher.
 * Every input is validated (zod) and answered with a 4xx naming the field; a store failure is a
 * 500 with DL_STORE. State-changing routes need `allowActions` and the token.
 */
export async function createUiServer(options: UiServerOptions): Promise<UiServer> {
  const { workspace } = options;
  const allowActions = options.allowActions === true;
  const token = allowActions ? (options.token ?? randomBytes(32).toString('base64url')) : undefined;
  const index = new RunIndex(workspace.metadata, (run) => workspace.liveStatus(run));
  const watcher = new StoreWatcher(index, workspace.studies, workspace.registry, options.pollMs ?? 250, options.onError);
  const state: UiState = {
    workspace,
    index,
    watcher,
    allowActions,
    ...(token !== undefined && { token }),
    version: options.version ?? '0.0.0',
    predictionsDir: options.predictionsDir,
    monitorDir: options.monitorDir,
  };
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, routerOptions: { maxParamLength: 500 }, forceCloseConnections: true });
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string; validation?: unknown }, _request, reply) => {
    if (isDeeplineError(error)) {
      const status = STATUS[error.code] ?? 500;
      const body: ApiError = {
        error: {
          code: error.code,
          message: error.message,
          ...(error.hint !== undefined && { hint: error.hint }),
          ...(error instanceof UiInputError && { issues: error.issues }),
        },
      };
      return reply.code(status).send(body);
    }
    // fastify's own 4xx (malformed JSON body, unsupported media type, body too large) are input errors.
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const body: ApiError = { error: { code: 'DL_UI_INPUT', message: error.message, issues: [{ field: 'body', message: error.message }] } };
      return reply.code(status).send(body);
    }
    options.onError?.(error);
    const body: ApiError = { error: { code: 'DL_INTERNAL', message: `the server failed: ${error.message}`, hint: 'this is a bug: please report it with the request' } };
    return reply.code(500).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ApiError = { error: { code: 'DL_UI_NOT_FOUND', message: `no endpoint ${request.method} ${request.url.split('?')[0]}`, hint: 'the API is described in src/ui/api-types.ts' } };
    return reply.code(404).send(body);
  });
  if (options.checkHost !== false) app.addHook('onRequest', async (request) => checkHost(request.headers.host, request.server.server.address()));
  await app.register(infoRoutes, { state });
  await app.register(runRoutes, { state });
  await app.register(artifactRoutes, { state });
  await app.register(studyRoutes, { state });
  await app.register(modelRoutes, { state });
  await app.register(monitoringRoutes, { state });
  await app.register(eventRoutes, { state });
  await app.register(staticRoutes, { state, ...(options.staticDir !== undefined && { dir: options.staticDir }) });
  app.addHook('preClose', async () => watcher.stop());
  return {
    app,
    state,
    ...(token !== undefined && { token }),
    start: () => watcher.start(),
    close: () => app.close(),
  };
}

import type { FastifyInstance } from 'fastify';
import type { ServerInfo } from '../api-types.ts';
import { TOKEN_HEADER } from '../action-guard.ts';
import type { UiState } from '../ui-state.ts';

/** GET /api/info: the server's version, workspace and whether actions are allowed. */
export async function infoRoutes(app: FastifyInstance, { state }: { state: UiState }): Promise<void> {
  app.get('/api/info', async (): Promise<ServerInfo> => ({
    version: state.version,
    workspace: state.workspace.home,
    location: state.workspace.location,
    actionsAllowed: state.allowActions,
    tokenHeader: TOKEN_HEADER,
    pollMs: state.watcher.pollMs,
    now: new Date().toISOString(),
  }));
}

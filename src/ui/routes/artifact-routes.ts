import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound } from '../not-found.ts';
import { parseInput } from '../ui-input.ts';
import type { UiState } from '../ui-state.ts';
import { RUN_ID, resolveRun } from './run-routes.ts';
import { artifactPathSegments, sendArtifactFile } from './send-artifact-file.ts';

const ArtifactParams = z.object({
  id: RUN_ID,
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'an artifact hash: 64 lowercase hex digits (GET /api/runs/<id> lists them)'),
  '*': z.string().optional(),
});

/**
 * GET /api/runs/:id/artifacts/:hash[/<path>]: downloads one of the run's artifacts — a file, a
 * JSON value, a folder's listing or a file inside a folder. Only an artifact the run read or wrote
 * is served, and only from inside it (see sendArtifactFile).
 */
export async function artifactRoutes(app: FastifyInstance, { state }: { state: UiState }): Promise<void> {
  const handler = async (request: { params: unknown }, reply: Parameters<typeof sendArtifactFile>[1]): Promise<unknown> => {
    const params = parseInput(ArtifactParams, request.params, 'params');
    const segments = artifactPathSegments(params['*'] ?? '');
    const detail = await resolveRun(state, params.id);
    if (!detail.artifacts.some((a) => a.hash === params.hash)) {
      throw notFound(`run ${detail.run.id} has no artifact ${params.hash}`, `GET /api/runs/${detail.run.id} lists the run's artifacts`);
    }
    return sendArtifactFile(state, reply, params.hash, segments);
  };
  app.get('/api/runs/:id/artifacts/:hash', handler);
  app.get('/api/runs/:id/artifacts/:hash/*', handler);
}

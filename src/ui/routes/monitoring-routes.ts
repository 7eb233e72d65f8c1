import { createReadStream, existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MODEL_NAME_PATTERN } from '../../model-registry/model-name.ts';
import type { MonitoringView } from '../api-types.ts';
import { CHECK_ID, modelFolders, monitoringOf } from '../monitoring-view.ts';
import { notFound } from '../not-found.ts';
import { parseInput } from '../ui-input.ts';
import type { UiState } from '../ui-state.ts';

const ModelParams = z.strictObject({ model: z.string().regex(MODEL_NAME_PATTERN, 'a model name as served and monitored (GET /api/monitoring lists them)') });
const ReportParams = ModelParams.extend({ id: z.string().regex(CHECK_ID, 'a check id from GET /api/monitoring/<model>') });

/**
 * GET /api/monitoring[/:model]: what `deepline monitor` recorded (drift checks over time, per
 * feature) and serving figures from the prediction log; /api/monitoring/:model/reports/:id serves
 * a check's HTML drift report.
 */
export async function monitoringRoutes(app: FastifyInstance, { state }: { state: UiState }): Promise<void> {
  const dirs = {
    monitorDir: state.monitorDir ?? join(state.workspace.home, 'monitor'),
    predictionsDir: state.predictionsDir ?? join(state.workspace.home, 'predictions'),
  };

  app.get('/api/monitoring', async (): Promise<MonitoringView> => {
    const names = [...new Set([...(await modelFolders(dirs.monitorDir, MODEL_NAME_PATTERN)), ...(await modelFolders(dirs.predictionsDir, MODEL_NAME_PATTERN))])].sort();
    return { models: await Promise.all(names.map((name) => monitoringOf(name, dirs))) };
  });

  app.get('/api/monitoring/:model', async (request) => {
    const { model } = parseInput(ModelParams, request.params, 'params');
    const view = await monitoringOf(model, dirs);
    if (view.checks.length === 0 && !view.serving) {
      throw notFound(`model ${JSON.stringify(model)} has neither drift checks nor a prediction log in this workspace`, 'serve it with logging on (`deepline serve`) and run `deepline monitor <model>`');
    }
    return view;
  });

  app.get('/api/monitoring/:model/reports/:id', async (request, reply) => {
    const { model, id } = parseInput(ReportParams, request.params, 'params');
    // Both parts match patterns without `/` or `..`, so the path is inside the monitor folder;
    // its real path must be too (no symbolic link out of it).
    const file = join(dirs.monitorDir, model, `${id}.html`);
    if (!existsSync(file)) throw notFound(`model ${model} has no drift report ${id}`, `GET /api/monitoring/${model} lists its checks`);
    const [real, root] = await Promise.all([realpath(file), realpath(dirs.monitorDir)]);
    if (!real.startsWith(root + sep)) throw notFound(`the drift report ${id} of ${model} lies outside the monitor folder`, 'only reports inside <workspace>/monitor are served');
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'")
      .send(createReadStream(file));
  });
}

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { UiEvent } from '../api-types.ts';
import { parseInput } from '../ui-input.ts';
import type { UiState } from '../ui-state.ts';
import { RUN_ID } from './run-routes.ts';

const EventsQuery = z.strictObject({
  run: RUN_ID.optional(),
  study: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'a study name (GET /api/studies lists them)').optional(),
});

/** How often a comment line keeps an idle stream open through proxies. */
const PING_MS = 15_000;

/**
 * GET /api/events: server-sent events from the store watcher (runs, steps, trials, models),
 * optionally for one run or one study. Streams end when the server closes.
 */
export async function eventRoutes(app: FastifyInstance, { state }: { state: UiState }): Promise<void> {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get('/api/events', async (request, reply) => {
    const query = parseInput(EventsQuery, request.query, 'query');
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = (event: UiEvent): void => {
      out.write(`event: ${event.type}\nid: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`);
    };
    const unsubscribe = state.watcher.subscribe({ ...(query.run !== undefined && { run: query.run }), ...(query.study !== undefined && { study: query.study }) }, send);
    const ping = setInterval(() => out.write(': ping\n\n'), PING_MS);
    const end = (): void => {
      clearInterval(ping);
      unsubscribe();
      open.delete(end);
      if (!out.writableEnded) out.end();
    };
    open.add(end);
    request.raw.on('close', end);
  });
}

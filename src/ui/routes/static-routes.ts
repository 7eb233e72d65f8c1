import { createReadStream, existsSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { escapeHtml } from '../../render/escape-html.ts';
import { notFound } from '../not-found.ts';
import { UiInputError } from '../ui-input.ts';
import type { UiState } from '../ui-state.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Where the built web app is: `dist/web/` of the package (the same path from src/ui/routes/ and
 * from its compiled dist/ui/routes/), else `dist/ui/` when the app was built there.
 */
export function defaultStaticDir(): string | undefined {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  return [join(root, 'dist', 'web'), join(root, 'dist', 'ui')].find((dir) => existsSync(join(dir, 'index.html')));
}

/** The page `/` answers when the web app was never built. */
function notBuiltPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>deepline ui</title></head><body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>deepline ui</h1><p>The web app has not been built. Run <code>npm run build</code> in deepline's folder (it builds the UI into <code>dist/web/</code>), then reload.</p>
<p>The JSON API works without it: <a href="/api/runs">${escapeHtml('/api/runs')}</a>, <a href="/api/info">/api/info</a>.</p></body></html>`;
}

/**
 * The single-page app: files of the built app (hashed ones under `assets/` cached for a year,
 * index.html never), and index.html for any other non-API path, so client-side routes load the
 * app. An unknown `/api/` path is a JSON 404.
 */
export async function staticRoutes(app: FastifyInstance, options: { state: UiState; dir?: string }): Promise<void> {
  const dir = options.dir ?? defaultStaticDir();
  const root = dir && existsSync(dir) ? await realpath(dir) : undefined;

  const sendFile = async (reply: FastifyReply, file: string, immutable: boolean): Promise<FastifyReply> => {
    const size = (await stat(file)).size;
    return reply
      .header('content-type', TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream')
      .header('content-length', size)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(createReadStream(file));
  };

  const index = async (reply: FastifyReply): Promise<FastifyReply> => {
    if (!root || !existsSync(join(root, 'index.html'))) return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(notBuiltPage());
    return sendFile(reply, join(root, 'index.html'), false);
  };

  app.get('/*', async (request, reply) => {
    const path = (request.params as { '*': string })['*'] ?? '';
    if (path === 'api' || path.startsWith('api/')) {
      throw notFound(`no API endpoint ${request.method} /${path}`, 'the endpoints are listed in src/ui/api-types.ts');
    }
    // No client route needs to climb: a path that tries is refused, not answered with the app.
    if (path.split('/').some((s) => s === '.' || s === '..') || /[\\\u0000]/.test(path)) {
      throw new UiInputError([{ field: 'path', message: `${JSON.stringify(`/${path}`)} has a \`.\`/\`..\` part, a backslash or a NUL` }], 'open / and navigate from there');
    }
    if (root && path !== '' && /^[A-Za-z0-9._\-/]+$/.test(path) && !path.split('/').some((s) => s === '')) {
      const file = join(root, ...path.split('/'));
      const real = existsSync(file) ? await realpath(file) : undefined;
      if (real && real.startsWith(root + sep) && (await stat(real)).isFile()) return sendFile(reply, real, path.startsWith('assets/'));
      // A missing file with an extension is a broken asset link, not a client route.
      if (extname(path) !== '' && path.startsWith('assets/')) throw notFound(`no file /${path} in the built app`, 'rebuild it with `npm run build`');
    }
    return index(reply);
  });
}

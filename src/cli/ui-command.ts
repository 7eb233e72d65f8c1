import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DeeplineError, isFileSystemError } from '../errors/index.ts';
import { storeOptions } from './store-options.ts';

interface UiCommandOptions {
  port: string;
  host: string;
  workspace?: string;
  allowActions?: boolean;
  pollMs: string;
  predictions?: string;
}

/** deepline's version, from its package.json (the same path from src/cli/ and dist/cli/). */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function registerUiCommand(program: Command): void {
  program
    .command('ui')
    .description('a live web dashboard of the workspace: runs, searches, models, monitoring')
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option('--host <address>', 'address to bind; only 127.0.0.1 (this machine) by default', '127.0.0.1')
    .option('--workspace <dir>', 'the workspace folder to show (default: --home, i.e. .deepline)')
    .option('--allow-actions', 'allow promote and rollback from the dashboard, with a token printed at start')
    .option('--poll-ms <ms>', 'how often the stores are checked for changes (live updates)', '250')
    .option('--predictions <dir>', 'the prediction log folder of `deepline serve --log` (default: <workspace>/predictions)')
    .addHelpText(
      'after',
      '\nThe dashboard reads the workspace while `deepline run` writes it (also from another process) and\n' +
        'updates live. JSON API under /api/ (types: src/ui/api-types.ts). Ctrl-C stops it.\n\nExample:\n  deepline ui\n  deepline ui --port 9000 --allow-actions',
    )
    .action(async (opts: UiCommandOptions) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new DeeplineError('DL_USAGE', `--port must be a whole number from 0 to 65535, but got ${opts.port}`);
      const pollMs = Number(opts.pollMs);
      if (!Number.isInteger(pollMs) || pollMs < 20 || pollMs > 60_000) throw new DeeplineError('DL_USAGE', `--poll-ms must be a whole number from 20 to 60000, but got ${opts.pollMs}`);
      const { openUiWorkspace } = await import('../ui/ui-workspace.ts');
      const { createUiServer } = await import('../ui/ui-server.ts');
      const workspace = await openUiWorkspace(opts.workspace ?? (program.opts().home as string), storeOptions(program));
      let server: Awaited<ReturnType<typeof createUiServer>> | undefined;
      try {
        server = await createUiServer({
          workspace,
          allowActions: opts.allowActions === true,
          pollMs,
          version: packageVersion(),
          ...(opts.predictions !== undefined && { predictionsDir: opts.predictions }),
          onError: (e) => process.stderr.write(`warning: ${(e as Error).message}\n`),
        });
        await server.start();
        let address: string;
        try {
          address = await server.app.listen({ port, host: opts.host });
        } catch (e) {
          if (isFileSystemError(e) && (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL')) {
            throw new DeeplineError('DL_USAGE', `cannot listen on ${opts.host}:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.code === 'EACCES' ? 'permission denied' : 'no such address here'}`, {
              hint: 'choose another --port (0 picks a free one) or --host',
            });
          }
          throw e;
        }
        const url = `${address}/`;
        const runs = server.state.index.all().length;
        process.stdout.write(
          [
            `deepline ui at ${url} (workspace ${workspace.location}, ${runs} run${runs === 1 ? '' : 's'})`,
            server.token !== undefined
              ? `  actions allowed: promote and rollback need the header x-deepline-token: ${server.token}`
              : '  read-only: start with --allow-actions to promote or roll back models from the dashboard',
            '  Ctrl-C stops it',
            '',
          ].join('\n'),
        );
        await new Promise<void>((done) => {
          const stop = (signal: string): void => {
            process.stdout.write(`${signal}: stopping deepline ui\n`);
            void server!.close().then(done, done);
          };
          process.once('SIGTERM', () => stop('SIGTERM'));
          process.once('SIGINT', () => stop('SIGINT'));
        });
      } finally {
        await server?.close();
        await workspace.close();
      }
    });
}

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ApiError, ServerInfo } from '../../src/ui/api-types.ts';
import { ROOT, deepline, tempDir } from '../e2e/cli-helpers.ts';
import { raw } from './ui-fixture.ts';

/** Starts `deepline ui` and resolves with its port and token once it prints its URL. */
function startUi(home: string, args: string[]) {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/deepline.ts'), 'ui', '--workspace', home, '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const started = new Promise<{ port: number; token?: string }>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const url = /deepline ui at http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout);
      if (url && stdout.includes('Ctrl-C')) {
        const token = /x-deepline-token: (\S+)/.exec(stdout)?.[1];
        resolve({ port: Number(url[1]), ...(token && { token }) });
      }
    });
    child.on('exit', (code) => reject(new Error(`deepline ui exited (${code}):\n${stdout}\n${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, started, exited, output: () => stdout + stderr };
}

test('deepline ui binds 127.0.0.1, prints its URL (and token with --allow-actions), and stops cleanly on Ctrl-C with a stream open', { timeout: 120_000 }, async () => {
  const dir = tempDir('deepline-ui-cli-');
  try {
    const home = join(dir, 'home');
    mkdirSync(home);
    const readOnly = startUi(home, []);
    const { port, token } = await readOnly.started;
    assert.equal(token, undefined);
    assert.match(readOnly.output(), /read-only: start with --allow-actions/);
    const info = (await raw(port, '/api/info')).json<ServerInfo>();
    assert.equal(info.actionsAllowed, false);
    assert.equal(info.workspace, home);
    // An open event stream must not keep the server from stopping.
    await new Promise<void>((resolve) => httpGet({ host: '127.0.0.1', port, path: '/api/events' }, () => resolve()));
    readOnly.child.kill('SIGINT');
    assert.equal(await readOnly.exited, 0, readOnly.output());
    assert.match(readOnly.output(), /SIGINT: stopping deepline ui/);

    const acting = startUi(home, ['--allow-actions']);
    const started = await acting.started;
    assert.match(started.token ?? '', /^[A-Za-z0-9_-]{40,}$/, 'a long random token');
    assert.equal((await raw(started.port, '/api/info')).json<ServerInfo>().actionsAllowed, true);
    const refused = await raw(started.port, '/api/models/iris/rollback', { method: 'POST', body: {}, headers: { 'x-deepline-token': 'guess' } });
    assert.equal(refused.status, 403);
    assert.equal(refused.json<ApiError>().error.code, 'DL_UI_FORBIDDEN');
    acting.child.kill('SIGTERM');
    assert.equal(await acting.exited, 0, acting.output());

    const missing = deepline(['ui', '--workspace', join(dir, 'nowhere')], { home });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /DL_DATA_MISSING.*no deepline workspace at/);
    const badPort = deepline(['ui', '--workspace', home, '--port', '99999'], { home });
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /DL_USAGE.*--port/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';

const dir = mkdtempSync(path.join(tmpdir(), 'deepline-orphan-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** True while a process with this pid runs: an exited one nobody has reaped yet (a zombie) is not. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // Orphans are reparented to pid 1, which in a container may never reap them.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

test('a worker whose parent is killed mid-trial exits quietly, without an EPIPE stack trace', { timeout: 60_000 }, async () => {
  const parent = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/orphaning-parent.ts'), dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  parent.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  parent.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  // 'close' comes once every holder of the stderr pipe is gone: the parent and its orphaned worker.
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => parent.on('close', (_code, s) => resolve(s)));
  assert.equal(signal, 'SIGKILL', `the parent should have killed itself:\n${stderr}`);
  const pid = Number(stdout.trim());
  assert.ok(pid > 0, `the parent printed no worker pid:\n${stdout}`);
  assert.equal(alive(pid), false, 'the orphaned worker is gone');
  assert.doesNotMatch(stderr, /EPIPE|ERR_IPC_CHANNEL_CLOSED|Unhandled 'error' event/);
  assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
});

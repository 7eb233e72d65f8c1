import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { WorkspaceLock } from '../../src/store/workspace-lock.ts';

const fixture = path.join(import.meta.dirname, 'fixtures', 'hold-lock.ts');
const repoRoot = path.resolve(import.meta.dirname, '..', '..');

async function withHome(fn: (home: string) => Promise<void>): Promise<void> {
  const home = await fs.mkdtemp(path.join(tmpdir(), 'deepline-lock-'));
  try {
    await fn(home);
  } finally {
    await fs.rm(home, { recursive: true, force: true });
  }
}

/** Starts a process that takes the lock; resolves with it once it says HELD or BUSY. */
async function holdInChild(home: string, name: string, runId: string) {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fixture, home, name, runId], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return { child, line };
}

describe('WorkspaceLock', () => {
  it('has one holder at a time within a process, and records who holds it', () =>
    withHome(async (home) => {
      assert.equal(WorkspaceLock.isHeld(home, 'run-a'), false);
      assert.equal(existsSync(path.join(home, 'locks')), false, 'checking never creates lock files');
      const lock = WorkspaceLock.tryAcquire(home, 'run-a', 'a');
      assert.ok(lock);
      assert.equal(WorkspaceLock.tryAcquire(home, 'run-a', 'a'), undefined, 'a second handle cannot take it');
      assert.equal(WorkspaceLock.isHeld(home, 'run-a'), true);
      assert.ok(WorkspaceLock.tryAcquire(home, 'run-b', 'b')?.release() === undefined, 'other names are independent');
      const holder = WorkspaceLock.lastHolder(home, 'run-a');
      assert.equal(holder?.pid, process.pid);
      assert.equal(holder?.host, hostname());
      assert.equal(holder?.runId, 'a');
      lock.describe('a2');
      assert.equal(WorkspaceLock.lastHolder(home, 'run-a')?.runId, 'a2');
      assert.equal(WorkspaceLock.lastHolder(home, 'run-a')?.since, holder?.since);
      lock.release();
      lock.release();
      assert.equal(WorkspaceLock.isHeld(home, 'run-a'), false);
      const again = WorkspaceLock.tryAcquire(home, 'run-a', 'c');
      assert.ok(again, 'released means free');
      again.release();
    }));

  it('turns any name into a plain file name', () =>
    withHome(async (home) => {
      const lock = WorkspaceLock.tryAcquire(home, 'output:/some/where/../out dir', 'x');
      assert.ok(lock);
      const names = readdirSync(path.join(home, 'locks'));
      assert.equal(names.length, 2);
      for (const n of names) assert.match(n, /^[0-9a-f]{32}\.(lock|json)$/);
      lock.release();
    }));

  it('excludes other processes while held, and is free the moment its holder is killed with SIGKILL', { timeout: 60_000 }, () =>
    withHome(async (home) => {
      const { child, line } = await holdInChild(home, 'run-k', 'k');
      try {
        assert.equal(line, 'HELD');
        assert.equal(WorkspaceLock.isHeld(home, 'run-k'), true);
        assert.equal(WorkspaceLock.tryAcquire(home, 'run-k', 'mine'), undefined);
        assert.equal(WorkspaceLock.lastHolder(home, 'run-k')?.pid, child.pid);
        const other = await holdInChild(home, 'run-k', 'k');
        assert.equal(other.line, 'BUSY', 'another process is refused too');
        await once(other.child, 'exit');
      } finally {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
      assert.equal(WorkspaceLock.isHeld(home, 'run-k'), false, 'the kernel released the dead holder’s lock');
      const taken = WorkspaceLock.tryAcquire(home, 'run-k', 'mine');
      assert.ok(taken, 'taken over');
      assert.equal(WorkspaceLock.lastHolder(home, 'run-k')?.pid, process.pid);
      taken.release();
    }));
});

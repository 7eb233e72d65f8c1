import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DeeplineError } from '../../src/errors/index.ts';
import { RunLocks } from '../../src/store/run-locks.ts';

async function withLocks(fn: (locks: RunLocks, home: string) => Promise<void>): Promise<void> {
  const home = await fs.mkdtemp(path.join(tmpdir(), 'deepline-run-locks-'));
  try {
    await fn(new RunLocks(home), home);
  } finally {
    await fs.rm(home, { recursive: true, force: true });
  }
}

const locked = (pattern: RegExp) => (e: unknown) =>
  e instanceof DeeplineError && e.code === 'DL_RUN_LOCKED' && e.exitCode === 1 && pattern.test(e.message) && /nothing was changed/.test(e.hint ?? '');

describe('RunLocks', () => {
  it('lets one writer hold a run, and names it to the next', () =>
    withLocks(async (locks) => {
      const lock = locks.lockRun('20261203-101010-abcd');
      assert.throws(() => locks.lockRun('20261203-101010-abcd'), locked(new RegExp(`^run 20261203-101010-abcd is in progress \\(pid ${process.pid}\\)$`)));
      const other = locks.lockRun('20261203-101010-ffff');
      other.release();
      lock.release();
      locks.lockRun('20261203-101010-abcd').release();
    }));

  it('lets one run publish into an output folder, and names the run that does', () =>
    withLocks(async (locks, home) => {
      const out = path.join(home, 'out', 'iris');
      const lock = locks.lockOutput(out);
      assert.throws(() => locks.lockOutput(path.join(home, 'out', '.', 'iris')), locked(new RegExp(`^another deepline run is in progress \\(pid ${process.pid}\\), publishing to ${out.replaceAll('/', '\\/')}$`)));
      lock.describe('run-7');
      assert.throws(() => locks.lockOutput(out), locked(/^run run-7 is in progress \(pid \d+\), publishing to /));
      locks.lockOutput(path.join(home, 'out', 'other')).release();
      lock.release();
      locks.lockOutput(out).release();
    }));

  it('shows a running run whose process holds no lock as interrupted', () =>
    withLocks(async (locks) => {
      assert.equal(locks.status({ id: 'r1', status: 'running' }), 'interrupted');
      const lock = locks.lockRun('r1');
      assert.equal(locks.isLive('r1'), true);
      assert.equal(locks.status({ id: 'r1', status: 'running' }), 'running');
      assert.equal(locks.status({ id: 'r1', status: 'failed' }), 'failed');
      lock.release();
      assert.equal(locks.status({ id: 'r1', status: 'running' }), 'interrupted');
      assert.equal(locks.status({ id: 'r1', status: 'completed' }), 'completed');
    }));
});

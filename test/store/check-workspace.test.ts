import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DeeplineError } from '../../src/errors/index.ts';
import { checkWorkspace } from '../../src/store/check-workspace.ts';
import { openWorkspace, type Workspace } from '../../src/store/workspace.ts';

/** A workspace with run r1 (completed) whose steps a and b recorded three artifacts, and run r2 (running, its process gone). */
async function withWorkspace(fn: (ws: Workspace, refs: Record<string, string>) => Promise<void>): Promise<void> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-doctor-'));
  const ws = await openWorkspace(path.join(dir, 'ws'));
  try {
    await fs.mkdir(path.join(dir, 'model'));
    await fs.writeFile(path.join(dir, 'model', 'weights.bin'), 'weights');
    await fs.writeFile(path.join(dir, 'model', 'model.json'), '{}');
    const refs = {
      rows: (await ws.artifacts.putJson([1, 2, 3])).hash,
      model: (await ws.artifacts.putDir(path.join(dir, 'model'))).hash,
      gone: (await ws.artifacts.putJson({ gone: true })).hash,
    };
    await ws.metadata.createRun({ id: 'r1', name: 't', taskType: 'test', taskFile: '', spec: {} });
    const a = await ws.metadata.startStep({ runId: 'r1', name: 'a', version: '1', cacheKey: 'ka', params: {} });
    await ws.metadata.finishStep(a, { status: 'completed', outputs: { rows: refs.rows, note: refs.gone } });
    const b = await ws.metadata.startStep({ runId: 'r1', name: 'b', version: '1', cacheKey: 'kb', params: {} });
    await ws.metadata.finishStep(b, { status: 'completed', outputs: { model: refs.model } });
    await ws.metadata.setRunStatus('r1', 'completed');
    await ws.metadata.createRun({ id: 'r2', name: 't', taskType: 'test', taskFile: '', spec: {} });
    await ws.artifacts.remove(refs.gone);
    await fn(ws, refs);
  } finally {
    await ws.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

describe('checkWorkspace', () => {
  it('finds nothing wrong in an intact workspace, but names missing outputs and interrupted runs', () =>
    withWorkspace(async (ws, refs) => {
      const report = await checkWorkspace(ws);
      assert.equal(report.checked, 2);
      assert.equal(report.intact, 2);
      assert.deepEqual(report.damaged, []);
      assert.deepEqual(report.missing, [{ hash: refs.gone, usedBy: [{ runId: 'r1', step: 'a', output: 'note' }] }]);
      assert.deepEqual(report.interrupted, ['r2']);
      assert.equal(report.healthy, true);
    }));

  it('reports a damaged artifact with the steps that recorded it, and removes it unless told not to', () =>
    withWorkspace(async (ws, refs) => {
      const weights = path.join(await ws.artifacts.localPath((await ws.artifacts.get(refs.model))!), 'weights.bin');
      await fs.chmod(weights, 0o644);
      await fs.writeFile(weights, 'WEIGHTS');
      const dry = await checkWorkspace(ws, { repair: false });
      assert.deepEqual(dry.damaged, [
        { hash: refs.model, problems: ['weights.bin was changed: its content no longer matches the sha256 recorded'], usedBy: [{ runId: 'r1', step: 'b', output: 'model' }], removed: false },
      ]);
      assert.equal(dry.healthy, false);
      assert.equal(await ws.artifacts.has(refs.model), true);
      const fixed = await checkWorkspace(ws);
      assert.deepEqual(fixed.damaged.map((d) => d.removed), [true]);
      assert.equal(fixed.healthy, true);
      assert.equal(await ws.artifacts.has(refs.model), false);
      assert.deepEqual((await checkWorkspace(ws)).missing.map((m) => m.hash).sort(), [refs.gone, refs.model].sort());
    }));

  it('checks only sizes and small files when not full', () =>
    withWorkspace(async (ws, refs) => {
      const weights = path.join(await ws.artifacts.localPath((await ws.artifacts.get(refs.model))!), 'weights.bin');
      await fs.chmod(weights, 0o644);
      await fs.writeFile(weights, 'w');
      assert.deepEqual((await checkWorkspace(ws, { full: false, repair: false })).damaged[0].problems, ['weights.bin has 1 byte, expected 7']);
    }));

  it('refuses to remove anything while a run is live, but may still report', () =>
    withWorkspace(async (ws) => {
      const lock = await ws.locks.lockRun('r2');
      try {
        await assert.rejects(checkWorkspace(ws), (e: unknown) => e instanceof DeeplineError && e.code === 'DL_RUN_LOCKED' && /run r2 is in progress/.test(e.message));
        const report = await checkWorkspace(ws, { repair: false });
        assert.deepEqual(report.interrupted, [], 'a live run is not interrupted');
      } finally {
        await lock.release();
      }
    }));
});

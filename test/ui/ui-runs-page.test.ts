import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openWorkspace } from '../../src/store/workspace.ts';
import type { RunsPage } from '../../src/ui/api-types.ts';
import { createUiServer, type UiServer } from '../../src/ui/ui-server.ts';
import { openUiWorkspace, type UiWorkspace } from '../../src/ui/ui-workspace.ts';
import { tempDir } from '../e2e/cli-helpers.ts';
import { raw } from './ui-fixture.ts';

const RUNS = 200;
const STEPS = ['ingest', 'profile', 'schema', 'clean', 'split', 'transform', 'balance', 'search', 'train', 'evaluate', 'report'];

/**
 * 200 runs written through the MetadataStore API as a run writes them — steps, params, per-epoch
 * curves, test metrics — in a mix of task types and statuses.
 */
async function writeRuns(home: string): Promise<Map<string, number>> {
  const workspace = await openWorkspace(home);
  const accuracy = new Map<string, number>();
  try {
    for (let i = 0; i < RUNS; i++) {
      const id = `20260101-${String(i).padStart(6, '0')}-ab${String(i % 100).padStart(2, '0')}`;
      const task = i % 3 === 0 ? 'image-classification' : 'tabular-classification';
      await workspace.metadata.createRun({ id, name: `run-${i}`, taskType: task, taskFile: `/tasks/t${i}.yaml`, spec: { name: `run-${i}`, task, metric: 'accuracy', seed: i } });
      await workspace.metadata.logParams(id, { seed: i, task, engine: i % 2 ? 'native' : 'wasm', 'data.contentHash': `hash-${i % 7}`, 'data.version': `v-${i}` });
      for (const [k, name] of STEPS.entries()) {
        const step = await workspace.metadata.startStep({ runId: id, name, version: '1', cacheKey: `${name}-${i % 5}-${k}`, params: { k } });
        if (name === 'train') for (let e = 1; e <= 20; e++) await workspace.metadata.logMetric({ runId: id, stepName: name, key: 'val_loss', value: 1 / e, epoch: e });
        if (name === 'evaluate') {
          const value = ((i * 37) % 100) / 100;
          accuracy.set(id, value);
          await workspace.metadata.logMetric({ runId: id, stepName: name, key: 'test_accuracy', value });
        }
        await workspace.metadata.finishStep(step, { status: i % 4 === 0 && k < 5 ? 'cached' : 'completed' });
      }
      await workspace.metadata.setRunStatus(id, i % 10 === 9 ? 'failed' : 'completed', i % 10 === 9 ? 'boom' : undefined);
    }
  } finally {
    await workspace.close();
  }
  return accuracy;
}

describe('the runs page with 200 runs in the workspace', { timeout: 300_000 }, () => {
  let dir: string;
  let workspace: UiWorkspace;
  let server: UiServer;
  let port: number;
  let accuracy: Map<string, number>;

  before(async () => {
    dir = tempDir('deepline-ui-runs-');
    accuracy = await writeRuns(join(dir, 'home'));
    workspace = await openUiWorkspace(join(dir, 'home'));
    server = await createUiServer({ workspace, pollMs: 250 });
    await server.start();
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    port = (server.app.server.address() as AddressInfo).port;
  });

  after(async () => {
    await server?.close();
    await workspace?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a page in under 50 ms (median of 30 requests over sorts and filters), with the right runs', async () => {
    const paths = [
      '/api/runs',
      '/api/runs?limit=50&offset=100',
      '/api/runs?sort=metric&order=desc',
      '/api/runs?sort=duration&order=asc&status=completed',
      '/api/runs?task=image-classification&q=run-1',
      '/api/runs?sort=name&order=asc&limit=200',
    ];
    for (const path of paths) assert.equal((await raw(port, path)).status, 200); // warm-up
    const times: number[] = [];
    for (let k = 0; k < 30; k++) {
      const path = paths[k % paths.length]!;
      const started = performance.now();
      const r = await raw(port, path);
      times.push(performance.now() - started);
      assert.equal(r.status, 200);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    process.stdout.write(`runs page with ${RUNS} runs: median ${median.toFixed(1)} ms, p90 ${times[Math.floor(times.length * 0.9)]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms over ${times.length} requests (HTTP round trip included)\n`);
    assert.ok(median < 50, `median ${median} ms`);
    const timed = async (fn: () => Promise<unknown>): Promise<number> => {
      const times: number[] = [];
      for (let k = 0; k < 11; k++) {
        const started = performance.now();
        await fn();
        times.push(performance.now() - started);
      }
      return times.sort((a, b) => a - b)[5]!;
    };
    const idle = await timed(() => server.state.watcher.poll());
    const reread = await timed(() => server.state.index.refresh());
    process.stdout.write(`the watcher with ${RUNS} runs: an idle poll (one change-counter read) ${idle.toFixed(2)} ms, a re-read of the run list ${reread.toFixed(1)} ms (medians of 11)\n`);

    const first = (await raw(port, '/api/runs')).json<RunsPage>();
    assert.equal(first.total, RUNS);
    assert.equal(first.runs.length, 50);
    const stored = await workspace.metadata.listRuns({ limit: 50 });
    assert.deepEqual(first.runs.map((r) => r.id), stored.map((r) => r.id));
    const best = (await raw(port, '/api/runs?sort=metric&order=desc&limit=5')).json<RunsPage>();
    const top = [...accuracy.values()].sort((a, b) => b - a).slice(0, 5);
    assert.deepEqual(best.runs.map((r) => r.metric?.value), top);
    const failed = (await raw(port, '/api/runs?status=failed&limit=500')).json<RunsPage>();
    assert.equal(failed.total, RUNS / 10);
    assert.ok(failed.runs.every((r) => r.error === 'boom'));
    const images = (await raw(port, '/api/runs?task=image-classification&limit=500')).json<RunsPage>();
    assert.equal(images.total, Math.ceil(RUNS / 3));
    assert.ok(images.runs.every((r) => r.cachedSteps === (Number(r.name.slice(4)) % 4 === 0 ? 5 : 0)));
  });
});

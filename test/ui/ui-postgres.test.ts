import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { searchStudyName } from '../../src/search/study-name.ts';
import { deriveSeed } from '../../src/seed/derive-seed.ts';
import { TestSchemas, postgresUnavailable } from '../../src/testing/postgres-test-database.ts';
import type { RunsPage, StudyView, UiEvent } from '../../src/ui/api-types.ts';
import { createUiServer, type UiServer } from '../../src/ui/ui-server.ts';
import { openUiWorkspace, type UiWorkspace } from '../../src/ui/ui-workspace.ts';
import { tempDir } from '../e2e/cli-helpers.ts';
import { raw } from './ui-fixture.ts';

const unavailable = await postgresUnavailable();

/** Writes a run as a run writes it: params, steps (a search with its input recorded), metrics. */
async function writeRun(workspace: UiWorkspace, i: number): Promise<{ id: string; study: string }> {
  const id = `20260102-00000${i}-pg0${i}`;
  const spec = { name: `pg-${i}`, task: 'tabular-classification', metric: 'accuracy', seed: 10 + i };
  await workspace.metadata.createRun({ id, name: spec.name, taskType: spec.task, taskFile: '', spec });
  await workspace.metadata.logParams(id, { seed: spec.seed, engine: 'wasm', 'data.contentHash': `c${i}` });
  const input = { hash: `${String(i).repeat(64)}`.slice(0, 64).replace(/[^0-9a-f]/g, 'a'), kind: 'json' as const, size: 2, uri: 'mem' };
  await workspace.metadata.recordArtifact(input);
  const params = { trials: 2, sampler: 'tpe', i };
  const step = await workspace.metadata.startStep({ runId: id, name: 'search', version: '1', cacheKey: `k${i}`, params });
  await workspace.metadata.addLineage({ runId: id, stepId: step, artifactHash: input.hash, name: 'train', direction: 'input' });
  const study = searchStudyName(params, [input.hash], deriveSeed(spec.seed, 'search'));
  await workspace.studies.createStudy({ name: study, objectives: [{ name: 'error', direction: 'minimize' }, { name: 'latencyMs', direction: 'minimize' }, { name: 'params', direction: 'minimize' }], seed: 1 });
  for (const error of [0.3, 0.2]) {
    const trial = await workspace.studies.addTrial(study, { params: { lr: error } });
    await workspace.studies.appendIntermediate(trial.id, 1, [error + 0.1, 1, 100]);
    await workspace.studies.updateTrial(trial.id, { state: 'complete', values: [error, 1, 100] });
  }
  await workspace.metadata.finishStep(step, { status: 'completed' });
  const evaluate = await workspace.metadata.startStep({ runId: id, name: 'evaluate', version: '1', cacheKey: `e${i}`, params: {} });
  await workspace.metadata.logMetric({ runId: id, stepName: 'evaluate', key: 'test_accuracy', value: 0.5 + i / 10 });
  await workspace.metadata.finishStep(evaluate, { status: 'completed' });
  await workspace.metadata.setRunStatus(id, 'completed');
  return { id, study };
}

describe('deepline ui over the PostgreSQL stores', { skip: unavailable, timeout: 120_000 }, () => {
  const schemas = new TestSchemas();
  let dir: string;
  let workspace: UiWorkspace;
  let server: UiServer;
  let port: number;

  before(async () => {
    dir = tempDir('deepline-ui-pg-');
    workspace = await openUiWorkspace(dir, { storeUrl: schemas.next(), storeUrlSource: 'test' });
    server = await createUiServer({ workspace, pollMs: 100 });
    await server.start();
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    port = (server.app.server.address() as AddressInfo).port;
  });

  after(async () => {
    await server?.close();
    await workspace?.close();
    await schemas.dropAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists runs, shows a study and publishes new runs, unchanged from SQLite', async () => {
    const events: UiEvent[] = [];
    const unsubscribe = server.state.watcher.subscribe({}, (e) => events.push(e));
    const written = [await writeRun(workspace, 1), await writeRun(workspace, 2)];
    await server.state.watcher.poll();
    unsubscribe();
    assert.deepEqual(events.filter((e) => e.type === 'run-started').map((e) => (e as { runId: string }).runId).sort(), written.map((w) => w.id).sort());
    const page = (await raw(port, '/api/runs?sort=metric&order=desc')).json<RunsPage>();
    assert.equal(page.total, 2);
    assert.deepEqual(page.runs.map((r) => [r.id, r.metric?.value, r.hasSearch, r.dataVersion]), [
      [written[1]!.id, 0.7, true, 'c2'],
      [written[0]!.id, 0.6, true, 'c1'],
    ]);
    const study = (await raw(port, `/api/runs/${written[0]!.id}/study`)).json<StudyView>();
    assert.equal(study.name, written[0]!.study);
    assert.equal(study.trials.length, 2);
    assert.equal(study.best?.error, 0.2);
    assert.deepEqual(study.bestSoFar.map((p) => p.best), [0.3, 0.2]);
    assert.equal(study.trials[0]!.intermediate[0]!.values[0], 0.4);
  });
});

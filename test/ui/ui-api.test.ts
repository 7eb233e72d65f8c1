import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { StudySummary } from '../../src/search/study-summary.ts';
import type {
  ApiError,
  CompareView,
  ModelDetailView,
  ModelsView,
  MonitoringView,
  RunDetailView,
  RunsPage,
  SecurityView,
  CompressionView,
  StageChangeView,
  StudyView,
} from '../../src/ui/api-types.ts';
import { createUiServer, type UiServer } from '../../src/ui/ui-server.ts';
import { openUiWorkspace, type UiWorkspace } from '../../src/ui/ui-workspace.ts';
import { deepline } from '../e2e/cli-helpers.ts';
import { makeWorkspace, raw } from './ui-fixture.ts';

describe('deepline ui API on a workspace with real runs', { timeout: 600_000 }, () => {
  let fixture: ReturnType<typeof makeWorkspace>;
  let workspace: UiWorkspace;
  let server: UiServer;
  let port: number;
  let actions: UiServer;
  let actionsPort: number;
  const staticDir = (): string => join(fixture.dir, 'no-app-built');

  before(async () => {
    fixture = makeWorkspace();
    for (let v = 0; v < 2; v++) {
      const r = deepline(['registry', 'register', fixture.iris, '--name', 'iris', '--by', 'test'], { home: fixture.home });
      assert.equal(r.code, 0, r.stderr);
    }
    workspace = await openUiWorkspace(fixture.home);
    server = await createUiServer({ workspace, staticDir: staticDir(), pollMs: 100 });
    await server.start();
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    port = (server.app.server.address() as AddressInfo).port;
    actions = await createUiServer({ workspace, allowActions: true, staticDir: staticDir(), pollMs: 100 });
    await actions.start();
    await actions.app.listen({ port: 0, host: '127.0.0.1' });
    actionsPort = (actions.app.server.address() as AddressInfo).port;
  });

  after(async () => {
    await server?.close();
    await actions?.close();
    await workspace?.close();
    if (fixture) rmSync(fixture.dir, { recursive: true, force: true });
  });

  const get = async <T>(path: string, expected = 200): Promise<T> => {
    const r = await raw(port, path);
    assert.equal(r.status, expected, `${path}: ${r.text().slice(0, 500)}`);
    return r.json<T>();
  };

  it('lists the runs as the metadata store holds them: status, task, data version, metric, engine, search', async () => {
    const page = await get<RunsPage>('/api/runs');
    const stored = await workspace.metadata.listRuns();
    assert.equal(page.total, stored.length);
    assert.deepEqual(page.runs.map((r) => r.id), stored.map((r) => r.id), 'newest first, as listRuns');
    for (const run of page.runs) {
      const detail = (await workspace.metadata.getRunDetail(run.id))!;
      assert.equal(run.status, detail.run.status);
      assert.equal(run.taskType, detail.run.taskType);
      assert.equal(run.taskFile, detail.run.taskFile);
      assert.equal(run.dataVersion, detail.params['data.contentHash']);
      assert.equal(run.preparedDataVersion, detail.params['data.version']);
      assert.equal(run.engine, detail.params.engine);
      assert.equal(run.durationMs, Date.parse(detail.run.endedAt!) - Date.parse(detail.run.startedAt));
      const logged = detail.metrics.filter((m) => m.key === 'test_accuracy');
      assert.equal(logged.length, 1);
      assert.deepEqual(run.metric, { name: 'accuracy', key: 'test_accuracy', direction: 'maximize', value: logged[0]!.value });
      assert.equal(run.hasSearch, detail.steps.some((s) => s.name === 'search'));
      assert.equal(run.steps, detail.steps.length);
    }
    assert.equal(page.runs.find((r) => r.id === fixture.iris)?.hasSearch, true);
    assert.equal(page.runs.find((r) => r.id === fixture.digits)?.hasSearch, false);
    assert.deepEqual(page.facets.taskTypes, ['image-classification', 'tabular-classification']);
  });

  it('filters, sorts and pages runs', async () => {
    const images = await get<RunsPage>('/api/runs?task=image-classification&status=completed');
    assert.deepEqual(images.runs.map((r) => r.id), [fixture.digits]);
    assert.equal(images.total, 1);
    assert.deepEqual((await get<RunsPage>('/api/runs?q=IRIS-sea')).runs.map((r) => r.id), [fixture.iris]);
    assert.equal((await get<RunsPage>('/api/runs?status=failed')).total, 0);
    const byMetric = await get<RunsPage>('/api/runs?sort=metric&order=asc');
    const values = byMetric.runs.map((r) => r.metric!.value as number);
    assert.deepEqual(values, [...values].sort((a, b) => a - b));
    const second = await get<RunsPage>('/api/runs?limit=1&offset=1&sort=name&order=asc');
    assert.equal(second.total, 2);
    assert.deepEqual(second.runs.map((r) => r.name), ['iris-search']);
  });

  it('answers bad input with a 400 naming each field, never a 5xx', async () => {
    const cases: Array<[string, string[]]> = [
      ['/api/runs?limit=0', ['limit']],
      ['/api/runs?limit=abc&offset=-1', ['limit', 'offset']],
      ['/api/runs?sort=accuracy', ['sort']],
      ['/api/runs?order=up&status=done', ['order', 'status']],
      ['/api/runs?color=red', ['query']],
      ['/api/compare?ids=' + fixture.iris, ['ids']],
      ['/api/compare', ['ids']],
      [`/api/compare?ids=${fixture.iris},${fixture.iris}`, ['ids']],
      ['/api/runs/bad%20id', ['id']],
      ['/api/studies/has%20space', ['name']],
      ['/api/events?run=a%2Fb', ['run']],
    ];
    for (const [path, fields] of cases) {
      const r = await raw(port, path);
      assert.equal(r.status, 400, `${path}: ${r.text()}`);
      const { error } = r.json<ApiError>();
      assert.equal(error.code, 'DL_UI_INPUT');
      for (const field of fields) assert.ok(error.issues?.some((i) => i.field === field), `${path}: an issue names ${field}: ${JSON.stringify(error.issues)}`);
    }
    const missing = await raw(port, '/api/runs/20991231-000000-0000');
    assert.equal(missing.status, 404);
    assert.equal(missing.json<ApiError>().error.code, 'DL_RUN_NOT_FOUND');
    const unknown = await raw(port, '/api/nothing-here');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json<ApiError>().error.code, 'DL_UI_NOT_FOUND');
  });

  it('details a run: timeline, params, metrics and curves, artifacts, lineage, links — as stored', async () => {
    const view = await get<RunDetailView>(`/api/runs/${fixture.iris}`);
    const detail = (await workspace.metadata.getRunDetail(fixture.iris))!;
    assert.deepEqual(view.steps.map((s) => [s.id, s.name, s.status, s.durationMs]), detail.steps.map((s) => [s.id, s.name, s.status, s.durationMs]));
    for (const s of view.steps) assert.equal(s.offsetMs, Date.parse(s.startedAt) - Date.parse(detail.run.startedAt));
    assert.deepEqual(view.params, detail.params);
    assert.deepEqual(new Set(view.artifacts.map((a) => a.hash)), new Set(detail.artifacts.map((a) => a.hash)));
    // One model's curve, or the first ensemble member's when the final model is an ensemble.
    const key = detail.metrics.some((m) => m.stepName === 'train' && m.key === 'member1/val_loss') ? 'member1/val_loss' : 'val_loss';
    const valLoss = detail.metrics.filter((m) => m.stepName === 'train' && m.key === key);
    const curve = view.curves.find((c) => c.step === 'train' && c.key === key);
    assert.ok(valLoss.length > 0 && curve);
    assert.deepEqual(curve.points, valLoss.map((m) => ({ x: m.epoch, y: m.value })));
    assert.equal(view.lineage.dataVersion, detail.params['data.contentHash']);
    const model = detail.steps.find((s) => s.name === 'train')!.outputs.model;
    assert.equal(view.lineage.modelHash, model);
    assert.ok(view.lineage.nodes.some((n) => n.kind === 'model' && n.hash === model));
    assert.ok(view.lineage.links.some((l) => l.from === `data:${view.lineage.dataVersion}`), 'the data version feeds the ingest step');
    // The study the UI names from the step's record is the one the search step wrote.
    const search = detail.steps.find((s) => s.name === 'search')!;
    const summary = await workspace.artifacts.readJson<StudySummary>((await workspace.artifacts.get(search.outputs.study!))!);
    assert.equal(view.study, summary.name);
    const report = await raw(port, view.links.report!);
    assert.equal(report.status, 200);
    assert.match(String(report.headers['content-type']), /text\/html/);
    assert.match(String(report.headers['content-security-policy']), /default-src 'none'/);
    const reportFile = join(await workspace.artifacts.localPath((await workspace.artifacts.get(detail.steps.find((s) => s.name === 'report')!.outputs.report!))!), 'report.html');
    assert.equal(report.text(), readFileSync(reportFile, 'utf8'));
    const dataReport = await raw(port, view.links.dataReport!);
    assert.equal(dataReport.status, 200);
    assert.match(dataReport.text(), /<html/i);
    // The prefix of an id finds the run.
    assert.equal((await get<RunDetailView>(`/api/runs/${fixture.iris.slice(0, 17)}`)).run.id, fixture.iris);
  });

  it('shows the study: trial states, best-so-far, Pareto front and importances from the study store', async () => {
    const view = await get<StudyView>(`/api/runs/${fixture.iris}/study`);
    const trials = await workspace.studies.listTrials(view.name);
    assert.equal(view.trials.length, trials.length);
    assert.equal(view.trials.length, 3);
    assert.equal(view.runId, fixture.iris);
    assert.equal(view.live, false);
    const complete = trials.filter((t) => t.state === 'complete' && t.rejectedFor === undefined);
    assert.equal(view.counts.complete, complete.length);
    const best = Math.min(...complete.map((t) => t.values![0]!));
    assert.equal(view.best?.error, best);
    assert.equal(view.bestSoFar.at(-1)?.best, best);
    for (let k = 1; k < view.bestSoFar.length; k++) assert.ok(view.bestSoFar[k]!.best <= view.bestSoFar[k - 1]!.best);
    for (const id of view.paretoFront) assert.ok(complete.some((t) => t.id === id), `front member ${id} is a complete trial`);
    assert.ok(view.paretoFront.includes(view.best!.trialId), 'the lowest error is on the front');
    for (const t of view.trials) {
      const stored = trials.find((s) => s.id === t.id)!;
      assert.deepEqual(t.params, stored.params);
      assert.equal(t.intermediate.length, stored.intermediate?.length ?? 0);
      assert.equal(t.latencyMs, stored.values?.[1]);
      assert.equal(t.paramCount, stored.values?.[2]);
    }
    if (view.importances.length > 0) assert.ok(Math.abs(view.importances.reduce((a, i) => a + i.importance, 0) - 1) < 1e-9);
    assert.equal(view.importanceMethod, 'binned-epsilon-squared');
    const same = await get<StudyView>(`/api/studies/${view.name}`);
    assert.equal(same.trials.length, 3);
    assert.equal(same.runId, fixture.iris);
    const list = await get<{ name: string; trials: number }[]>('/api/studies');
    assert.deepEqual(list.map((s) => [s.name, s.trials]), [[view.name, 3]]);
    assert.equal((await raw(port, `/api/runs/${fixture.digits}/study`)).status, 404);
    assert.equal((await raw(port, '/api/studies/search-0000000000000000')).status, 404);
  });

  it('compares runs side by side and marks the params that differ', async () => {
    const view = await get<CompareView>(`/api/compare?ids=${fixture.iris},${fixture.digits}`);
    assert.deepEqual(view.runs.map((r) => r.id), [fixture.iris, fixture.digits]);
    const iris = (await workspace.metadata.getRunDetail(fixture.iris))!.params;
    const digits = (await workspace.metadata.getRunDetail(fixture.digits))!.params;
    const keys = [...new Set([...Object.keys(iris), ...Object.keys(digits)])].sort();
    assert.deepEqual(view.params.map((p) => p.key), keys);
    for (const row of view.params) {
      const expected = JSON.stringify(iris[row.key] ?? null) !== JSON.stringify(digits[row.key] ?? null) || (row.key in iris) !== (row.key in digits);
      assert.equal(row.differs, expected, row.key);
    }
    assert.equal(view.params.find((p) => p.key === 'seed')?.differs, true);
    assert.deepEqual(view.params.find((p) => p.key === 'seed')?.values, [5, 3]);
    assert.ok(view.metrics.some((m) => m.key === 'evaluate/test_accuracy' && m.values.every((v) => typeof v === 'number')));
    assert.equal(view.curves.length, 2);
  });

  it('serves artifacts of the run: JSON values, folder listings and files, and nothing else', async () => {
    const detail = (await workspace.metadata.getRunDetail(fixture.iris))!;
    const json = detail.artifacts.find((a) => a.kind === 'json')!;
    assert.deepEqual(await get(`/api/runs/${fixture.iris}/artifacts/${json.hash}`), await workspace.artifacts.readJson(json));
    const reportHash = detail.steps.find((s) => s.name === 'report')!.outputs.report!;
    const listing = await get<{ files: { path: string; size: number }[] }>(`/api/runs/${fixture.iris}/artifacts/${reportHash}`);
    assert.ok(listing.files.some((f) => f.path === 'report.html'));
    const file = await raw(port, `/api/runs/${fixture.iris}/artifacts/${reportHash}/report.json`);
    assert.equal(file.status, 200);
    assert.match(String(file.headers['content-disposition']), /attachment/);
    const onDisk = readFileSync(join(await workspace.artifacts.localPath((await workspace.artifacts.get(reportHash))!), 'report.json'));
    assert.ok(file.body.equals(onDisk));
    // An artifact of another run is not this run's to serve.
    const digitsOnly = (await workspace.metadata.getRunDetail(fixture.digits))!.artifacts.find((a) => !detail.artifacts.some((b) => b.hash === a.hash))!;
    assert.equal((await raw(port, `/api/runs/${fixture.iris}/artifacts/${digitsOnly.hash}`)).status, 404);
  });

  it('refuses every path that would leave the artifact or the workspace', async () => {
    const detail = (await workspace.metadata.getRunDetail(fixture.iris))!;
    const dir = detail.steps.find((s) => s.name === 'report')!.outputs.report!;
    const base = `/api/runs/${fixture.iris}/artifacts/${dir}`;
    // A link planted inside a stored folder, pointing out of it.
    const folder = await workspace.artifacts.localPath((await workspace.artifacts.get(dir))!);
    symlinkSync(join(fixture.home, 'metadata.db'), join(folder, 'escape.db'));
    symlinkSync('/etc', join(folder, 'etc-link'));
    const attempts = [
      `${base}/../../../../../../etc/passwd`,
      `${base}/%2e%2e/%2e%2e/%2e%2e/metadata.db`,
      `${base}/%2E%2E%2F%2E%2E%2F%2E%2E%2Fmetadata.db`,
      `${base}/..%2f..%2f..%2f..%2fmetadata.db`,
      `${base}/%252e%252e/%252e%252e/metadata.db`,
      `${base}//etc/passwd`,
      `${base}/%2Fetc%2Fpasswd`,
      `${base}/..\\..\\..\\metadata.db`,
      `${base}/%5c..%5c..%5cmetadata.db`,
      `${base}/report.html%00.png`,
      `${base}/C:/Windows/win.ini`,
      `${base}/./report.html`,
      `${base}/escape.db`,
      `${base}/etc-link/passwd`,
      `/api/runs/${fixture.iris}/artifacts/..%2F..%2F..%2Fetc%2Fpasswd`,
      `/api/runs/${fixture.iris}/artifacts/%2e%2e`,
      `/api/runs/..%2F..%2Fmetadata.db/artifacts/${dir}/report.html`,
      `/api/runs/${fixture.iris}/..%2F..%2Fmetadata.db`,
      `/api/monitoring/..%2F..%2Fetc/reports/passwd`,
      `/api/monitoring/iris/reports/..%2F..%2Fmetadata`,
      `/..%2F..%2F..%2Fetc%2Fpasswd`,
      `/assets/..%2F..%2F..%2Fpackage.json`,
    ];
    const db = readFileSync(join(fixture.home, 'metadata.db'));
    for (const path of attempts) {
      const r = await raw(port, path);
      assert.ok(r.status === 400 || r.status === 404, `${path} answered ${r.status}`);
      assert.ok(!r.text().includes('root:x:0:0'), `${path} leaked /etc/passwd`);
      assert.ok(!r.body.includes(db.subarray(0, 100)), `${path} leaked metadata.db`);
      assert.equal(r.json<ApiError>().error.code.startsWith('DL_'), true, `${path}: a coded error`);
    }
    rmSync(join(folder, 'escape.db'));
    rmSync(join(folder, 'etc-link'));
  });

  it('lists models and refuses actions without --allow-actions or without the token', async () => {
    const models = await get<ModelsView>('/api/models');
    const versions = await workspace.registry.listVersions('iris');
    assert.deepEqual(models.models.map((m) => m.name), ['iris']);
    assert.deepEqual(models.models[0]!.versions.map((v) => [v.version, v.stage, v.runId]), versions.map((v) => [v.version, v.stage, v.runId]));
    assert.equal(models.actionsAllowed, false);
    const off = await raw(port, '/api/models/iris/promote', { method: 'POST', body: { version: 1 }, headers: { 'x-deepline-token': actions.token! } });
    assert.equal(off.status, 403);
    assert.equal(off.json<ApiError>().error.code, 'DL_UI_FORBIDDEN');
    assert.match(off.json<ApiError>().error.message, /--allow-actions/);
    for (const headers of [{} as Record<string, string>, { 'x-deepline-token': 'wrong' }, { 'x-deepline-token': `${actions.token!}x` }, { 'x-deepline-token': '' }]) {
      const r = await raw(actionsPort, '/api/models/iris/promote', { method: 'POST', body: { version: 1 }, headers });
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.equal(r.json<ApiError>().error.code, 'DL_UI_FORBIDDEN');
    }
    assert.equal((await workspace.registry.getModel('iris'))?.production, undefined, 'nothing changed');
  });

  it('promotes and rolls back with the flag and the token, through the registry', async () => {
    const token = { 'x-deepline-token': actions.token! };
    const bad = await raw(actionsPort, '/api/models/iris/promote', { method: 'POST', body: { version: 'one' }, headers: token });
    assert.equal(bad.status, 400);
    assert.ok(bad.json<ApiError>().error.issues?.some((i) => i.field === 'version'));
    const first = await raw(actionsPort, '/api/models/iris/promote', { method: 'POST', body: { version: 1, reason: 'first' }, headers: token });
    assert.equal(first.status, 200, first.text());
    assert.equal(first.json<StageChangeView>().stage, 'production');
    const second = await raw(actionsPort, '/api/models/iris/promote', { method: 'POST', body: { version: 2 }, headers: token });
    assert.equal(second.json<StageChangeView>().replaced, 1);
    assert.equal((await workspace.registry.getModel('iris'))?.production, 2);
    const back = await raw(actionsPort, '/api/models/iris/rollback', { method: 'POST', body: { reason: 'test' }, headers: token });
    assert.equal(back.status, 200, back.text());
    assert.equal((await workspace.registry.getModel('iris'))?.production, 1);
    const history = await workspace.registry.history('iris');
    assert.ok(history.filter((e) => e.kind !== 'register').every((e) => e.actor === 'ui'));
    const detail = await get<ModelDetailView>('/api/models/iris');
    assert.equal(detail.history.length, history.length);
    const again = await raw(actionsPort, '/api/models/iris/promote', { method: 'POST', body: { version: 1 }, headers: token });
    assert.equal(again.status, 409, 'already in production: the registry refuses');
    assert.equal(again.json<ApiError>().error.code, 'DL_REGISTRY');
    assert.equal((await raw(actionsPort, '/api/models/nope/rollback', { method: 'POST', headers: token })).status, 404);
  });

  it('reads what the robustness and compress steps recorded', async () => {
    const security = await get<SecurityView>(`/api/runs/${fixture.iris}/security`);
    const detail = (await workspace.metadata.getRunDetail(fixture.iris))!;
    const stored = await workspace.artifacts.readJson<{ status: string; curve?: { epsilon: number; accuracy: number }[]; cleanAccuracy?: number }>(
      (await workspace.artifacts.get(detail.steps.find((s) => s.name === 'robustness')!.outputs.robustness!))!,
    );
    assert.equal(security.robustness?.status, stored.status);
    if (security.robustness?.status === 'measured') {
      assert.deepEqual(security.robustness.curve, stored.curve);
      assert.equal(security.robustness.cleanAccuracy, stored.cleanAccuracy);
    }
    assert.deepEqual(await get<SecurityView>(`/api/runs/${fixture.digits}/security`), { runId: fixture.digits });
    assert.deepEqual(await get<CompressionView>(`/api/runs/${fixture.iris}/compression`), { runId: fixture.iris });
  });

  it('shows drift checks and serving figures from the monitor folder and the prediction log', async () => {
    const monitor = join(fixture.home, 'monitor', 'iris');
    mkdirSync(monitor, { recursive: true });
    const check = {
      model: 'iris', folder: fixture.dir, window: 3, from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T00:01:00.000Z', drift: true, drifted: ['sepal_length'],
      alpha: 0.01, correction: 'holm', untested: [], skippedLines: 0, report: join(monitor, '2026-01-01T00-02-00-000Z.html'),
      features: [{ feature: 'sepal_length', kind: 'numeric', detector: 'ks', statistic: 0.8, pValue: 0.001, adjustedPValue: 0.004, drift: true }],
    };
    writeFileSync(join(monitor, '2026-01-01T00-02-00-000Z.json'), JSON.stringify(check));
    writeFileSync(join(monitor, '2026-01-01T00-02-00-000Z.html'), '<html><body>drift</body></html>');
    const log = join(fixture.home, 'predictions', 'iris');
    mkdirSync(log, { recursive: true });
    const records = [4, 2, 9].map((latencyMs, k) => ({ v: 1, time: `2026-01-01T00:0${k}:00.000Z`, model: 'iris', version: '1', request: `r${k}`, instance: 0, latencyMs, prediction: { label: k === 2 ? 'setosa' : 'virginica' } }));
    writeFileSync(join(log, '000001.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const view = await get<MonitoringView>('/api/monitoring');
    const iris = view.models.find((m) => m.model === 'iris')!;
    assert.equal(iris.checks.length, 1);
    assert.deepEqual(iris.checks[0]!.drifted, ['sepal_length']);
    assert.equal(iris.checks[0]!.features[0]!.adjustedPValue, 0.004);
    assert.equal((await raw(port, iris.checks[0]!.reportUrl!)).text(), '<html><body>drift</body></html>');
    if (iris.serving) {
      assert.equal(iris.serving.records, 3);
      assert.equal(iris.serving.latencyMs.p50, 4);
      assert.deepEqual(iris.serving.labels, { virginica: 2, setosa: 1 });
      assert.deepEqual(iris.serving.versions, { 1: 3 });
    } else {
      assert.fail('the prediction log was not read');
    }
    assert.equal((await raw(port, '/api/monitoring/unknown-model')).status, 404);
  });

  it('answers only requests for localhost when bound to it, and serves the app shell', async () => {
    const rebound = await raw(port, '/api/runs', { headers: { host: 'evil.example:80' } });
    assert.equal(rebound.status, 403);
    assert.equal(rebound.json<ApiError>().error.code, 'DL_UI_FORBIDDEN');
    const page = await raw(port, '/');
    assert.equal(page.status, 200);
    assert.match(page.text(), /npm run build/);
    // With a built app: files, long-cached hashed assets, and index.html for client routes.
    const app = join(fixture.dir, 'app');
    mkdirSync(join(app, 'assets'), { recursive: true });
    writeFileSync(join(app, 'index.html'), '<!doctype html><div id="app"></div>');
    writeFileSync(join(app, 'assets', 'main-abc123.js'), 'console.log(1)');
    const withApp = await createUiServer({ workspace, staticDir: app, pollMs: 1000 });
    await withApp.app.listen({ port: 0, host: '127.0.0.1' });
    const appPort = (withApp.app.server.address() as AddressInfo).port;
    try {
      const asset = await raw(appPort, '/assets/main-abc123.js');
      assert.equal(asset.text(), 'console.log(1)');
      assert.match(String(asset.headers['cache-control']), /immutable/);
      assert.match(String(asset.headers['content-type']), /javascript/);
      const route = await raw(appPort, `/runs/${fixture.iris}`);
      assert.equal(route.text(), '<!doctype html><div id="app"></div>');
      assert.equal(route.headers['cache-control'], 'no-cache');
      assert.equal((await raw(appPort, '/assets/missing-000.js')).status, 404);
    } finally {
      await withApp.close();
    }
  });

  // Last: it deletes runs of the shared workspace (ones it makes itself).
  it('deletes a run with the flag and the token, refuses one in progress, and the run list follows', async () => {
    const token = { 'x-deepline-token': actions.token! };
    // Written by another connection, as `deepline run` would: the dashboard sees them at its next poll.
    const other = await openUiWorkspace(fixture.home);
    for (const id of ['20990101-000000-dead', '20990101-000000-live']) {
      await other.metadata.createRun({ id, name: 'doomed', taskType: 'tabular-classification', taskFile: '/t.yaml', spec: {} });
    }
    await other.close();
    const listed = async (): Promise<string[]> => (await raw(actionsPort, '/api/runs?limit=200')).json<RunsPage>().runs.map((r) => r.id);
    for (const deadline = Date.now() + 10_000; !(await listed()).includes('20990101-000000-dead'); ) {
      assert.ok(Date.now() < deadline, 'the new runs reach the run list within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal((await raw(port, '/api/runs/20990101-000000-dead', { method: 'DELETE', headers: token })).status, 403, 'no --allow-actions');
    assert.equal((await raw(actionsPort, '/api/runs/20990101-000000-dead', { method: 'DELETE' })).status, 403, 'no token');
    assert.equal((await raw(actionsPort, '/api/runs/20990101-000000', { method: 'DELETE', headers: token })).status, 404, 'a prefix deletes nothing');
    assert.ok(await workspace.metadata.getRun('20990101-000000-dead'), 'still there');

    const gone = await raw(actionsPort, '/api/runs/20990101-000000-dead', { method: 'DELETE', headers: token });
    assert.equal(gone.status, 200, gone.text());
    assert.deepEqual(gone.json<{ deleted: { id: string } }>().deleted.id, '20990101-000000-dead');
    assert.equal(await workspace.metadata.getRun('20990101-000000-dead'), undefined);
    assert.equal((await raw(actionsPort, '/api/runs/20990101-000000-dead')).status, 404);
    // The dashboard's own write moves no change counter; its run list follows anyway.
    assert.ok(!(await listed()).includes('20990101-000000-dead'));

    // A run whose lock another process holds is in progress: refused, kept.
    const { spawn } = await import('node:child_process');
    const holder = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../store/fixtures/hold-lock.ts'), fixture.home, 'run-20990101-000000-live', '20990101-000000-live'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d: Buffer) => (d.toString().includes('HELD') ? resolve() : reject(new Error(d.toString()))));
        holder.on('exit', (code) => reject(new Error(`the lock holder exited (${code})`)));
      });
      const busy = await raw(actionsPort, '/api/runs/20990101-000000-live', { method: 'DELETE', headers: token });
      assert.equal(busy.status, 409, busy.text());
      assert.equal(busy.json<ApiError>().error.code, 'DL_RUN_LOCKED');
      assert.ok(await workspace.metadata.getRunDetail('20990101-000000-live'), 'kept');
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

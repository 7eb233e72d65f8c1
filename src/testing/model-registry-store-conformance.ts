import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DeeplineError } from '../errors/index.ts';
import type { GateResult, ModelRegistryStore, NewModelVersion, StageEvent } from '../model-registry/model-registry-store.ts';
import type { StoreFixture } from './store-fixture.ts';

/** A registry store on fresh storage, a second handle on it, and how a child process opens it. */
export interface ModelRegistryStoreFixture extends StoreFixture<ModelRegistryStore> {
  /** Opens another handle on the same storage while `store` stays open; `dispose` closes it. */
  share(): Promise<ModelRegistryStore>;
  /**
   * How another process opens the same storage: a module (path or URL) exporting
   * `openModelRegistryStore(...args)`, and its args. The suite registers from several such processes at once.
   */
  readonly childOpener: { readonly module: string; readonly args: readonly string[] };
}

const PASSED: GateResult = { metric: 'accuracy', operator: '>=', threshold: 0.7, measured: 0.93, passed: true };
const FAILED: GateResult = { metric: 'latencyMs', operator: '<=', threshold: 0.1, measured: 0.25, passed: false };

/** A version as a registration describes it; `k` makes each one distinct. */
function newVersion(model: string, k = 1): NewModelVersion {
  return {
    model,
    runId: `20261204-181318-00${k}a`,
    task: 'tabular-classification',
    dataVersion: 'd'.repeat(63) + String(k % 10),
    dataContentHash: 'c'.repeat(64),
    metrics: { accuracy: 0.9 + k / 1000, macroF1: 0.88, latencyMs: 0.25, n: 30 },
    gates: { accuracy: '>= 0.7', latencyMs: '<= 5' },
    artifacts: { hash: String(k % 10).repeat(64), size: 1000 + k, files: { 'model.onnx': 'a'.repeat(64), 'model/model.json': 'b'.repeat(64), 'transform.json': 'e'.repeat(64) } },
    source: '/project/out/iris',
    actor: 'alice',
    note: `candidate ${k}`,
  };
}

/**
 * The contract every ModelRegistryStore must meet (see model-registry-store.ts): versions numbered
 * per model from 1 and never twice, also from several processes registering at once; records
 * frozen; one version per serving stage, the one it replaces archived; every change recorded with
 * actor, reason, time and gates; a failed gate refused unless forced; rollback along the
 * production history; durability across reopen.
 */
export function modelRegistryStoreConformance(label: string, factory: () => Promise<ModelRegistryStoreFixture>): void {
  const withStore = async (fn: (store: ModelRegistryStore, fixture: ModelRegistryStoreFixture) => Promise<void>) => {
    const fixture = await factory();
    try {
      await fn(fixture.store, fixture);
    } finally {
      await fixture.dispose();
    }
  };
  const rejectsWith = (p: Promise<unknown>, code: string, message?: RegExp) =>
    assert.rejects(p, (e: unknown) => e instanceof DeeplineError && e.code === code && (message === undefined || message.test(e.message)));
  const assertFrozen = (value: unknown, where: string): void => {
    if (typeof value !== 'object' || value === null) return;
    assert.ok(Object.isFrozen(value), `${where} must be frozen`);
    for (const [k, v] of Object.entries(value)) assertFrozen(v, `${where}.${k}`);
  };
  const isoTime = (s: string | undefined) => s !== undefined && !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s;
  const stages = async (store: ModelRegistryStore, model: string) => (await store.listVersions(model)).map((v) => `${v.version}:${v.stage}`);
  const change = (e: StageEvent) => `${e.version} ${e.kind} ${e.from ?? '∅'}→${e.to}`;

  describe(`ModelRegistryStore conformance: ${label}`, () => {
    it('registers versions numbered from 1 per model, in stage none, frozen, as getVersion returns them', () =>
      withStore(async (store) => {
        const given = structuredClone(newVersion('iris', 1));
        const v1 = await store.registerVersion(given);
        (given.metrics as Record<string, number>).accuracy = 0;
        const v2 = await store.registerVersion(newVersion('iris', 2));
        const d1 = await store.registerVersion(newVersion('digits', 3));
        assert.deepEqual([v1.version, v2.version, d1.version], [1, 2, 1]);
        assert.equal(v1.stage, 'none');
        assert.ok(isoTime(v1.registeredAt), `registeredAt ${v1.registeredAt} is an ISO time`);
        const { stage: _stage, version: _version, registeredAt: _at, ...kept } = v1;
        assert.deepEqual(kept, newVersion('iris', 1), 'every field comes back as registered, unchanged by a later change to the caller\'s object');
        assertFrozen(v1, 'version');
        assert.throws(() => {
          (v1.metrics as Record<string, number>).accuracy = 1;
        }, TypeError);
        assert.deepEqual(await store.getVersion('iris', 1), v1);
        assert.deepEqual((await store.listVersions('iris')).map((v) => v.version), [1, 2]);
        assert.equal(await store.getVersion('iris', 3), undefined);
        assert.equal(await store.getVersion('setosa', 1), undefined);
        assert.deepEqual(await store.listVersions('setosa'), []);
        const iris = await store.getModel('iris');
        assert.equal(iris?.versions, 2);
        assert.equal(iris?.production, undefined);
        assert.ok(isoTime(iris?.createdAt) && isoTime(iris?.updatedAt));
        assertFrozen(iris, 'model');
        assert.deepEqual((await store.listModels()).map((m) => [m.name, m.versions]), [['digits', 1], ['iris', 2]]);
        assert.equal(await store.getModel('setosa'), undefined);
      }));

    it('keeps optional fields absent, drops non-finite metrics, and refuses names it cannot serve', () =>
      withStore(async (store) => {
        const bare = await store.registerVersion({
          model: 'bare',
          task: 'tabular-regression',
          metrics: { rmse: 1.5, r2: Number.NaN, mae: Infinity },
          gates: {},
          artifacts: { hash: 'f'.repeat(64), size: 0, files: {} },
          source: '/x',
          actor: 'ci',
        });
        for (const key of ['runId', 'dataVersion', 'dataContentHash', 'note'] as const) assert.equal(bare[key], undefined, key);
        assert.deepEqual(bare.metrics, { rmse: 1.5 });
        for (const name of ['', 'iris@2', 'a=b', 'a/b', '-x', 'x'.repeat(65)]) {
          await rejectsWith(store.registerVersion({ ...newVersion('iris'), model: name }), 'DL_REGISTRY');
        }
        assert.deepEqual((await store.listModels()).map((m) => m.name), ['bare']);
      }));

    it('promotes through staging to production, archiving the version each stage held, and records every change', () =>
      withStore(async (store) => {
        for (let k = 1; k <= 3; k++) await store.registerVersion(newVersion('iris', k));
        const staged = await store.promote({ model: 'iris', version: 1, stage: 'staging', actor: 'alice', reason: 'try it' });
        assert.equal(staged.version.stage, 'staging');
        assert.equal(staged.replaced, undefined);
        assertFrozen(staged, 'stage change');
        const first = await store.promote({ model: 'iris', version: 1, stage: 'production', actor: 'bob', reason: 'first release', gates: [PASSED] });
        assert.equal(first.version.stage, 'production');
        assert.equal((await store.versionInStage('iris', 'staging')), undefined, 'it left staging');
        await store.promote({ model: 'iris', version: 2, stage: 'staging', actor: 'ci' });
        const second = await store.promote({ model: 'iris', version: 2, stage: 'production', actor: 'ci', reason: 'better' });
        assert.equal(second.replaced?.version, 1);
        assert.equal(second.replaced?.stage, 'archived');
        assert.deepEqual(await stages(store, 'iris'), ['1:archived', '2:production', '3:none']);
        assert.equal((await store.versionInStage('iris', 'production'))?.version, 2);
        const model = await store.getModel('iris');
        assert.deepEqual([model?.production, model?.staging], [2, undefined]);
        await store.promote({ model: 'iris', version: 3, stage: 'staging', actor: 'ci' });
        assert.equal((await store.getModel('iris'))?.staging, 3);
        // Refused: already there, unknown version or model, a stage one cannot promote to.
        await rejectsWith(store.promote({ model: 'iris', version: 2, stage: 'production', actor: 'x' }), 'DL_REGISTRY', /already in production/);
        await rejectsWith(store.promote({ model: 'iris', version: 9, stage: 'production', actor: 'x' }), 'DL_REGISTRY', /no version 9/);
        await rejectsWith(store.promote({ model: 'setosa', version: 1, stage: 'production', actor: 'x' }), 'DL_REGISTRY');
        await rejectsWith(store.promote({ model: 'iris', version: 3, stage: 'none' as never, actor: 'x' }), 'DL_REGISTRY');

        const history = await store.history('iris');
        assert.deepEqual(history.map(change), [
          '1 register ∅→none',
          '2 register ∅→none',
          '3 register ∅→none',
          '1 promote none→staging',
          '1 promote staging→production',
          '2 promote none→staging',
          '2 promote staging→production',
          '1 replaced production→archived',
          '3 promote none→staging',
        ]);
        const promotion = history[4]!;
        assert.equal(promotion.actor, 'bob');
        assert.equal(promotion.reason, 'first release');
        assert.equal(promotion.forced, false);
        assert.deepEqual(promotion.gates, [PASSED]);
        assert.equal(history[3]!.gates, undefined);
        assert.match(history[7]!.reason ?? '', /version 2/);
        assert.ok(history.every((e, k) => isoTime(e.at) && (k === 0 || (e.id > history[k - 1]!.id && e.at >= history[k - 1]!.at))), 'events in order, with times');
        history.forEach((e, k) => assertFrozen(e, `event ${k}`));
        assert.deepEqual(await store.history('setosa'), []);
      }));

    it('refuses a promotion whose gates failed unless forced, and records a forced one as such', () =>
      withStore(async (store) => {
        await store.registerVersion(newVersion('iris', 1));
        await rejectsWith(store.promote({ model: 'iris', version: 1, stage: 'production', actor: 'ci', gates: [PASSED, FAILED] }), 'DL_GATE', /latencyMs is 0\.25, required <= 0\.1/);
        assert.deepEqual(await stages(store, 'iris'), ['1:none'], 'nothing changed');
        assert.equal((await store.history('iris')).length, 1);
        const forced = await store.promote({ model: 'iris', version: 1, stage: 'production', actor: 'carol', reason: 'hotfix', gates: [PASSED, FAILED], force: true });
        assert.equal(forced.version.stage, 'production');
        const event = (await store.history('iris')).at(-1)!;
        assert.equal(event.forced, true);
        assert.equal(event.actor, 'carol');
        assert.deepEqual(event.gates, [PASSED, FAILED]);
        // --force with every gate passing is an ordinary promotion.
        await store.registerVersion(newVersion('iris', 2));
        await store.promote({ model: 'iris', version: 2, stage: 'staging', actor: 'carol', gates: [PASSED], force: true });
        assert.equal((await store.history('iris')).at(-1)!.forced, false);
      }));

    it('rolls production back along its history, skipping versions archived on request, and says when it cannot', () =>
      withStore(async (store) => {
        await store.registerVersion(newVersion('iris', 1));
        await rejectsWith(store.rollback({ model: 'iris', actor: 'x' }), 'DL_REGISTRY', /no version in production/);
        await rejectsWith(store.rollback({ model: 'setosa', actor: 'x' }), 'DL_REGISTRY');
        for (let k = 2; k <= 4; k++) await store.registerVersion(newVersion('iris', k));
        await store.promote({ model: 'iris', version: 1, stage: 'production', actor: 'a' });
        await rejectsWith(store.rollback({ model: 'iris', actor: 'x' }), 'DL_REGISTRY', /no earlier production version/);
        for (const version of [2, 3]) await store.promote({ model: 'iris', version, stage: 'production', actor: 'a' });
        // Version 3 is retired on purpose: production is empty, and no rollback brings 3 back.
        await store.promote({ model: 'iris', version: 3, stage: 'archived', actor: 'a', reason: 'bad data' });
        assert.equal(await store.versionInStage('iris', 'production'), undefined);
        await rejectsWith(store.rollback({ model: 'iris', actor: 'x' }), 'DL_REGISTRY', /no version in production/);
        await store.promote({ model: 'iris', version: 4, stage: 'production', actor: 'a' });
        const back = await store.rollback({ model: 'iris', actor: 'oncall', reason: 'errors up' });
        assert.equal(back.version.version, 2);
        assert.equal(back.version.stage, 'production');
        assert.equal(back.replaced?.version, 4);
        assert.equal(back.replaced?.stage, 'archived');
        assertFrozen(back, 'rollback');
        assert.deepEqual(back.events.map(change), ['4 rollback production→archived', '2 rollback archived→production']);
        assert.ok(back.events.every((e) => e.actor === 'oncall' && e.reason === 'errors up'));
        assert.equal((await store.rollback({ model: 'iris', actor: 'oncall' })).version.version, 1);
        await rejectsWith(store.rollback({ model: 'iris', actor: 'oncall' }), 'DL_REGISTRY', /no earlier production version/);
        assert.deepEqual(await stages(store, 'iris'), ['1:production', '2:archived', '3:archived', '4:archived']);
        // A promotion after rollbacks starts the history again from there.
        await store.promote({ model: 'iris', version: 4, stage: 'production', actor: 'a' });
        assert.equal((await store.rollback({ model: 'iris', actor: 'a' })).version.version, 1);
      }));

    it('keeps models, versions, stages and history after reopen, and numbers on from there', async () => {
      const fixture = await factory();
      try {
        const store = fixture.store;
        await store.registerVersion(newVersion('iris', 1));
        await store.registerVersion(newVersion('iris', 2));
        await store.promote({ model: 'iris', version: 2, stage: 'production', actor: 'a', gates: [PASSED, FAILED], force: true });
        const [versions, history, models] = [await store.listVersions('iris'), await store.history('iris'), await store.listModels()];
        await store.close();
        const again = await fixture.reopen();
        assert.deepEqual(await again.listVersions('iris'), versions);
        assert.deepEqual(await again.history('iris'), history);
        assert.deepEqual(await again.listModels(), models);
        assert.equal((await again.registerVersion(newVersion('iris', 3))).version, 3);
      } finally {
        await fixture.dispose();
      }
    });

    it('shares one storage between handles: each sees the other\'s writes, and concurrent promotions leave one version in production', () =>
      withStore(async (store, fixture) => {
        const other = await fixture.share();
        const registered = await Promise.all(Array.from({ length: 8 }, (_, k) => (k % 2 === 0 ? store : other).registerVersion(newVersion('iris', k))));
        assert.deepEqual(registered.map((v) => v.version).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
        assert.equal((await other.getModel('iris'))?.versions, 8);
        await Promise.all([1, 2, 3, 4, 5, 6].map((version, k) => (k % 2 === 0 ? store : other).promote({ model: 'iris', version, stage: 'production', actor: `h${k}` })));
        const inProduction = (await store.listVersions('iris')).filter((v) => v.stage === 'production');
        assert.equal(inProduction.length, 1);
        assert.equal((await other.versionInStage('iris', 'production'))?.version, inProduction[0]!.version);
        assert.equal((await store.history('iris')).filter((e) => e.kind === 'replaced').length, 5, 'each promotion but the first replaced one');
      }));

    it('never gives two processes registering at once the same version number', { timeout: 120_000 }, () =>
      withStore(async (store, fixture) => {
        const workers = 4;
        const each = 5;
        await store.registerVersion(newVersion('iris', 0));
        const results = await registerFromProcesses(fixture.childOpener, 'iris', workers, each);
        const all = results.flatMap((r) => r.versions);
        assert.deepEqual([...all].sort((a, b) => a - b), Array.from({ length: workers * each }, (_, k) => k + 2), 'versions 2..21, each once');
        for (const r of results) assert.deepEqual(r.versions, [...r.versions].sort((a, b) => a - b), `worker ${r.worker} got increasing numbers`);
        const stored = await store.listVersions('iris');
        assert.equal(stored.length, workers * each + 1);
        for (const r of results) {
          for (const [k, version] of r.versions.entries()) assert.equal(stored.find((v) => v.version === version)?.runId, `worker-${r.worker}-${k}`);
        }
        assert.equal((await store.history('iris')).filter((e) => e.kind === 'register').length, workers * each + 1);
      }));
  });
}

/**
 * Starts `workers` processes that each open the store (by `opener`), waits until all have, then
 * lets them register `each` versions at once; resolves with the numbers each was given.
 */
async function registerFromProcesses(opener: ModelRegistryStoreFixture['childOpener'], model: string, workers: number, each: number): Promise<{ worker: string; versions: number[] }[]> {
  const script = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './model-registry-worker.ts' : './model-registry-worker.js', import.meta.url));
  const loader = script.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  const moduleUrl = opener.module.startsWith('file:') ? opener.module : new URL(`file://${opener.module}`).href;
  const children = Array.from({ length: workers }, (_, k) => {
    const child = spawn(process.execPath, [...loader, script, moduleUrl, model, String(each), String(k + 1), JSON.stringify(opener.args)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines: string[] = [];
    const ready = new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line);
        if (line === 'ready') resolve();
      });
      child.on('exit', (code) => reject(new Error(`registry worker ${k + 1} exited (${code}) before it was ready: ${stderr}`)));
    });
    const done = new Promise<{ worker: string; versions: number[] }>((resolve, reject) =>
      child.on('close', (code) => (code === 0 ? resolve(JSON.parse(lines.at(-1)!) as { worker: string; versions: number[] }) : reject(new Error(`registry worker ${k + 1} failed (${code}): ${stderr}`)))),
    );
    return { child, ready, done };
  });
  try {
    await Promise.all(children.map((c) => c.ready));
  } catch (e) {
    for (const c of children) {
      c.done.catch(() => undefined);
      c.child.kill('SIGKILL');
    }
    throw e;
  }
  for (const c of children) c.child.stdin.end('go\n');
  return Promise.all(children.map((c) => c.done));
}

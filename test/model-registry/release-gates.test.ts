import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DeeplineError } from '../../src/errors/index.ts';
import { checkGates, gateFailure } from '../../src/model-registry/check-gates.ts';
import type { NewModelVersion } from '../../src/model-registry/model-registry-store.ts';
import { promoteVersion } from '../../src/model-registry/promote-version.ts';
import { SqliteModelRegistryStore } from '../../src/model-registry/sqlite-model-registry-store.ts';
import { parseTaskObject } from '../../src/task/parse-task-object.ts';
import { parseGates } from '../../src/task/release-gates.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/task/', import.meta.url));

describe('release gates in the task file', { timeout: 20_000 }, () => {
  const parse = (extra: Record<string, unknown>) => parseTaskObject({ data: { path: 'iris.csv', target: 'species' }, ...extra }, { baseDir: FIXTURES });
  const rejection = async (extra: Record<string, unknown>): Promise<string> => {
    const e = await parse(extra).then(() => assert.fail('expected a rejection'), (x: unknown) => x);
    assert.ok(e instanceof DeeplineError);
    assert.equal(e.code, 'DL_TASK_FIELD');
    return e.message;
  };

  it('keeps the gates as written, and leaves a spec without them as it was', async () => {
    const spec = await parse({ gates: { accuracy: '>= 0.7', latencyMs: '<=5' } });
    assert.deepEqual(spec.gates, { accuracy: '>= 0.7', latencyMs: '<=5' });
    assert.ok(Object.isFrozen(spec.gates));
    assert.equal('gates' in (await parse({})), false, 'no gates key: the spec (and its resume match) is unchanged');
    assert.equal('gates' in (await parse({ gates: {} })), false);
  });

  it('refuses expressions that are not a comparison and a number, unknown metrics, and metrics the task does not measure', async () => {
    assert.match(await rejection({ gates: { accuracy: '0.7' } }), /gates\.accuracy.*a comparison and a number/);
    assert.match(await rejection({ gates: { accuracy: '=> 0.7' } }), /gates\.accuracy/);
    assert.match(await rejection({ gates: { acuracy: '>= 0.7' } }), /gates\.acuracy.*did you mean `accuracy`/);
    assert.match(await rejection({ gates: { rmse: '<= 1' } }), /gates\.rmse: rmse is not measured for tabular-classification; gate on accuracy, macroF1, latencyMs/);
  });

  it('parses and checks gates on measured metrics; a missing measurement fails', () => {
    assert.deepEqual(parseGates({ latencyMs: '< 5', accuracy: '>= .7' }), [
      { metric: 'accuracy', operator: '>=', threshold: 0.7 },
      { metric: 'latencyMs', operator: '<', threshold: 5 },
    ]);
    const results = checkGates({ accuracy: '>= 0.7', macroF1: '> 0.9', latencyMs: '<= 5', r2: '>= 0' }, { accuracy: 0.7, macroF1: 0.9, latencyMs: 4.2 });
    assert.deepEqual(
      results.map((r) => [r.metric, r.measured, r.passed]),
      [
        ['accuracy', 0.7, true],
        ['macroF1', 0.9, false],
        ['r2', undefined, false],
        ['latencyMs', 4.2, true],
      ],
    );
    const error = gateFailure('iris', 3, results.filter((r) => !r.passed));
    assert.equal(error.code, 'DL_GATE');
    assert.equal(error.message, 'version 3 of iris fails its release gates: macroF1 is 0.9, required > 0.9; r2 was not measured (required >= 0)');
  });
});

describe('promoteVersion', () => {
  const version = (metrics: Record<string, number>): NewModelVersion => ({
    model: 'iris',
    task: 'tabular-classification',
    metrics,
    gates: { accuracy: '>= 0.7', latencyMs: '<= 5' },
    artifacts: { hash: 'a'.repeat(64), size: 1, files: {} },
    source: '/out/iris',
    actor: 'alice',
  });
  const withRegistry = async (fn: (registry: SqliteModelRegistryStore) => Promise<void>) => {
    const dir = await fs.mkdtemp(path.join(tmpdir(), 'deepline-promote-'));
    const registry = new SqliteModelRegistryStore(path.join(dir, 'metadata.db'));
    try {
      await fn(registry);
    } finally {
      await registry.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  };

  it('promotes a version whose gates pass, recording the results, actor and reason', () =>
    withRegistry(async (registry) => {
      await registry.registerVersion(version({ accuracy: 0.93, latencyMs: 0.4 }));
      const change = await promoteVersion(registry, { model: 'iris', version: 1, actor: 'ci', reason: 'nightly' });
      assert.equal(change.version.stage, 'production');
      const event = (await registry.history('iris')).at(-1)!;
      assert.deepEqual([event.actor, event.reason, event.forced], ['ci', 'nightly', false]);
      assert.deepEqual(event.gates?.map((g) => [g.metric, g.measured, g.passed]), [
        ['accuracy', 0.93, true],
        ['latencyMs', 0.4, true],
      ]);
    }));

  it('refuses a version that fails a gate with DL_GATE naming metric, measured and required; --force promotes and is recorded', () =>
    withRegistry(async (registry) => {
      await registry.registerVersion(version({ accuracy: 0.61, latencyMs: 0.4 }));
      await assert.rejects(promoteVersion(registry, { model: 'iris', version: 1, stage: 'staging', actor: 'ci' }), (e: unknown) => {
        assert.ok(e instanceof DeeplineError);
        assert.equal(e.code, 'DL_GATE');
        assert.equal(e.exitCode, 1);
        assert.equal(e.message, 'version 1 of iris fails its release gate: accuracy is 0.61, required >= 0.7');
        assert.match(e.hint ?? '', /--force/);
        return true;
      });
      assert.equal((await registry.getVersion('iris', 1))?.stage, 'none');
      const forced = await promoteVersion(registry, { model: 'iris', version: 1, actor: 'carol', reason: 'hotfix', force: true });
      assert.equal(forced.version.stage, 'production');
      const event = (await registry.history('iris')).at(-1)!;
      assert.equal(event.forced, true);
      assert.equal(event.actor, 'carol');
      assert.deepEqual(event.gates?.filter((g) => !g.passed).map((g) => g.metric), ['accuracy']);
      // Archiving checks no gates.
      const archived = await promoteVersion(registry, { model: 'iris', version: 1, stage: 'archived', actor: 'carol' });
      assert.equal(archived.version.stage, 'archived');
      assert.equal((await registry.history('iris')).at(-1)!.gates, undefined);
    }));

  it('names an unknown model or version', () =>
    withRegistry(async (registry) => {
      await assert.rejects(promoteVersion(registry, { model: 'iris', version: 1, actor: 'x' }), { code: 'DL_REGISTRY', message: /no model named "iris"/ });
      await registry.registerVersion(version({ accuracy: 0.9 }));
      await assert.rejects(promoteVersion(registry, { model: 'iris', version: 2, actor: 'x' }), { code: 'DL_REGISTRY', message: 'iris has no version 2 (it has versions 1 to 1)' });
    }));
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { followStage } from '../../src/model-registry/follow-stage.ts';
import type { ModelVersion } from '../../src/model-registry/model-registry-store.ts';

const version = (n: number) => ({ model: 'iris', version: n, stage: 'production' }) as ModelVersion;

describe('followStage', () => {
  /** A registry whose production version the test sets, and a timer the test fires. */
  const setup = (current: number | undefined, load: (v: ModelVersion) => Promise<void>) => {
    let inStage: ModelVersion | undefined = current === undefined ? undefined : version(current);
    let reads = 0;
    let failRead = false;
    const errors: string[] = [];
    let timer: (() => void) | undefined;
    let cleared = false;
    const follower = followStage({
      registry: {
        versionInStage: async (model, stage) => {
          assert.deepEqual([model, stage], ['iris', 'production']);
          reads += 1;
          if (failRead) throw new Error('database is locked');
          return inStage;
        },
      },
      model: 'iris',
      stage: 'production',
      current,
      intervalMs: 2000,
      onChange: load,
      onError: (e, v) => errors.push(`${v ? `v${v.version}: ` : ''}${(e as Error).message}`),
      setInterval: (fn, ms) => {
        assert.equal(ms, 2000);
        timer = fn;
        return 'handle';
      },
      clearInterval: (h) => {
        assert.equal(h, 'handle');
        cleared = true;
      },
    });
    return {
      follower,
      set: (n: number | undefined) => (inStage = n === undefined ? undefined : version(n)),
      failReads: (on: boolean) => (failRead = on),
      fire: () => timer!(),
      reads: () => reads,
      errors,
      cleared: () => cleared,
    };
  };

  it('loads a version that enters the stage once, and nothing while the stage is unchanged or empty', async () => {
    const loaded: number[] = [];
    const t = setup(1, async (v) => void loaded.push(v.version));
    await t.follower.tick();
    assert.deepEqual(loaded, []);
    t.set(2);
    await t.follower.tick();
    await t.follower.tick();
    assert.deepEqual(loaded, [2]);
    assert.equal(t.follower.current, 2);
    t.set(undefined);
    await t.follower.tick();
    assert.equal(t.follower.current, 2, 'an empty stage keeps the last version serving');
    t.set(1);
    await t.follower.tick();
    assert.deepEqual(loaded, [2, 1], 'a rollback is followed too');
    t.follower.stop();
    assert.ok(t.cleared());
  });

  it('does not overlap looks: a tick while a load runs waits for it', async () => {
    let finish!: () => void;
    const loads: number[] = [];
    const t = setup(1, (v) => {
      loads.push(v.version);
      return new Promise<void>((resolve) => (finish = resolve));
    });
    t.set(2);
    const first = t.follower.tick();
    t.fire();
    const second = t.follower.tick();
    assert.equal(first, second, 'the same look');
    // Let the look reach the load.
    for (let turn = 0; loads.length === 0 && turn < 1000; turn++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(loads, [2]);
    assert.equal(t.reads(), 1);
    finish();
    await first;
    assert.deepEqual(loads, [2]);
    assert.equal(t.follower.current, 2);
  });

  it('reports a failed read or load, keeps the served version, and retries a failed version only after the stage changes', async () => {
    const attempts: number[] = [];
    const t = setup(1, async (v) => {
      attempts.push(v.version);
      if (v.version === 2) throw new Error('model.onnx is damaged');
    });
    t.failReads(true);
    await t.follower.tick();
    t.failReads(false);
    t.set(2);
    await t.follower.tick();
    await t.follower.tick();
    assert.deepEqual(attempts, [2], 'not retried every tick');
    assert.equal(t.follower.current, 1);
    t.set(3);
    await t.follower.tick();
    assert.deepEqual(attempts, [2, 3]);
    assert.equal(t.follower.current, 3);
    assert.deepEqual(t.errors, ['database is locked', 'v2: model.onnx is damaged']);
  });
});

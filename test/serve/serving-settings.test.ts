import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { modelFingerprint } from '../../src/deploy/target-bench/model-fingerprint.ts';
import { SERVING_CONFIG_VERSION, type ServingConfig } from '../../src/deploy/target-bench/serving-config.ts';
import { isDeeplineError } from '../../src/errors/index.ts';
import { resolveServingSettings, SERVE_DEFAULTS } from '../../src/serve/serving-settings.ts';

async function folderWithServingJson(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'deepline-serving-'));
  writeFileSync(join(dir, 'model.onnx'), 'onnx bytes');
  const config: ServingConfig = {
    formatVersion: SERVING_CONFIG_VERSION,
    engine: 'wasm',
    maxBatch: 64,
    maxWaitMs: 2,
    threads: 2,
    latencyBoundMs: 3,
    throughput: 1000,
    meetsObjective: true,
    reason: 'test',
    objective: { maxLatencyMs: 5, source: 'task' },
    modelSha256: await modelFingerprint(dir),
    measuredAt: new Date(0).toISOString(),
  };
  writeFileSync(join(dir, 'serving.json'), JSON.stringify(config));
  return dir;
}

describe('resolveServingSettings', () => {
  it('serves with the defaults where there is no serving.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deepline-serving-'));
    const r = await resolveServingSettings(dir, {});
    assert.deepEqual(r.settings, SERVE_DEFAULTS);
    assert.deepEqual(Object.values(r.sources), ['default', 'default', 'default', 'default']);
    assert.equal(r.file, undefined);
  });

  it("takes serving.json's choice for each setting not given, and the given ones over it", async () => {
    const dir = await folderWithServingJson();
    const r = await resolveServingSettings(dir, { maxBatch: 8 });
    assert.deepEqual(r.settings, { engine: 'wasm', maxBatch: 8, maxWaitMs: 2, threads: 2 });
    assert.deepEqual(r.sources, { engine: 'serving.json', maxBatch: 'option', maxWaitMs: 'serving.json', threads: 'serving.json' });
    assert.equal(r.file, join(dir, 'serving.json'));
  });

  it('ignores a serving.json measured on another model, and says why', async () => {
    const dir = await folderWithServingJson();
    writeFileSync(join(dir, 'model.onnx'), 'a retrained model');
    const r = await resolveServingSettings(dir, {});
    assert.deepEqual(r.settings, SERVE_DEFAULTS);
    assert.match(r.ignored ?? '', /serving\.json was measured on another model/);
  });

  it('names a serving.json it cannot read, and what to do', async () => {
    const dir = await folderWithServingJson();
    writeFileSync(join(dir, 'serving.json'), JSON.stringify({ formatVersion: SERVING_CONFIG_VERSION, engine: 'tpu' }));
    await assert.rejects(
      resolveServingSettings(dir, {}),
      (e: unknown) => isDeeplineError(e) && e.code === 'DL_DATA_FORMAT' && e.message.includes(join(dir, 'serving.json')) && /engine/.test(e.message) && /bench-target/.test(e.hint ?? ''),
    );
  });
});

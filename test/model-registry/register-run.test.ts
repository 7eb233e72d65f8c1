import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ModelRegistryStore } from '../../src/model-registry/model-registry-store.ts';
import { openModelRegistry } from '../../src/model-registry/open-model-registry.ts';
import { pinnedFolder } from '../../src/model-registry/pinned-folder.ts';
import { registerRun, type RegistrationStores } from '../../src/model-registry/register-run.ts';
import { openWorkspace, type Workspace } from '../../src/store/workspace.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A run output folder as a run publishes it (the model bytes are stand-ins: nothing loads them here). */
async function writeRunFolder(dir: string, runId: string, accuracy: number): Promise<Record<string, string>> {
  const files: Record<string, string> = {
    'model.onnx': `onnx bytes of ${runId}`,
    'model/model.json': `{"run":"${runId}"}`,
    'model/weights.bin': `weights of ${runId}`,
    'transform.json': '{"kind":"table"}',
    'metrics.json': JSON.stringify({ kind: 'class', accuracy, macroF1: accuracy - 0.01, n: 30, latency: { singleMs: 0.21, batch32Ms: 0.05, engine: 'wasm' }, classes: ['a', 'b'] }),
    'run.json': JSON.stringify({ runId, name: 'iris', task: 'tabular-classification' }),
    'data-schema.json': '{}',
    'report.html': '<html>',
  };
  for (const [name, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), text);
  }
  return files;
}

describe('registerRun', () => {
  let root: string;
  let workspace: Workspace;
  let registry: ModelRegistryStore;
  let stores: RegistrationStores;
  const out = () => path.join(root, 'out', 'iris');

  const recordRun = async (id: string, status: 'completed' | 'running', gates?: Record<string, string>) => {
    await workspace.metadata.createRun({ id, name: 'iris', taskType: 'tabular-classification', taskFile: '/p/iris.yaml', spec: { name: 'iris', output: out(), ...(gates && { gates }) } });
    await workspace.metadata.logParams(id, { 'data.contentHash': `raw-${id}`, 'data.version': `prepared-${id}` });
    if (status === 'completed') await workspace.metadata.setRunStatus(id, 'completed');
  };

  before(async () => {
    root = await fs.mkdtemp(path.join(tmpdir(), 'deepline-register-'));
    workspace = await openWorkspace(path.join(root, 'home'));
    registry = openModelRegistry(workspace);
    stores = { registry, metadata: workspace.metadata, artifacts: workspace.artifacts, locks: workspace.locks, scratch: path.join(workspace.home, 'tmp') };
  });
  after(async () => {
    await registry.close();
    await workspace.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('pins the servable files, records their hashes, the run, its data version, metrics and gates', async () => {
    await recordRun('run-a', 'completed', { accuracy: '>= 0.7' });
    const written = await writeRunFolder(out(), 'run-a', 0.95);
    const v = await registerRun(stores, { model: 'iris', dir: out(), runId: 'run-a', actor: 'alice', note: 'first' });
    assert.deepEqual([v.version, v.stage, v.runId, v.task, v.actor, v.note], [1, 'none', 'run-a', 'tabular-classification', 'alice', 'first']);
    assert.equal(v.dataVersion, 'prepared-run-a');
    assert.equal(v.dataContentHash, 'raw-run-a');
    assert.deepEqual(v.gates, { accuracy: '>= 0.7' });
    assert.deepEqual(v.metrics, { accuracy: 0.95, macroF1: 0.94, n: 30, latencyMs: 0.21, latencyBatch32Ms: 0.05 });
    assert.equal(v.source, out());
    const pinnedNames = ['data-schema.json', 'metrics.json', 'model.onnx', 'model/model.json', 'model/weights.bin', 'run.json', 'transform.json'];
    assert.deepEqual(Object.keys(v.artifacts.files), pinnedNames, 'the servable files, not the reports');
    for (const name of pinnedNames) assert.equal(v.artifacts.files[name], sha256(written[name]!), name);
    const pinned = await pinnedFolder(workspace.artifacts, v);
    assert.equal(await fs.readFile(path.join(pinned, 'model.onnx'), 'utf8'), 'onnx bytes of run-a');
    assert.equal(existsSync(path.join(pinned, 'report.html')), false);
    assert.equal((await workspace.artifacts.verify(v.artifacts.hash, { full: true })).status, 'ok');
    assert.deepEqual(await fs.readdir(stores.scratch), [], 'no copy left behind');
  });

  it('keeps a registered version as it was when a later run publishes into the same folder', async () => {
    await recordRun('run-b', 'completed');
    await writeRunFolder(out(), 'run-b', 0.97);
    await assert.rejects(registerRun(stores, { model: 'iris', dir: out(), runId: 'run-a', actor: 'alice' }), {
      code: 'DL_REGISTRY',
      message: new RegExp(`${out().replace(/[/\\]/g, '.')} no longer holds run run-a's model: run run-b published into it since`),
    });
    const v2 = await registerRun(stores, { model: 'iris', dir: out(), actor: 'alice' });
    assert.deepEqual([v2.version, v2.runId, v2.metrics.accuracy], [2, 'run-b', 0.97]);
    const v1 = (await registry.getVersion('iris', 1))!;
    assert.notEqual(v1.artifacts.hash, v2.artifacts.hash);
    assert.equal(await fs.readFile(path.join(await pinnedFolder(workspace.artifacts, v1), 'model.onnx'), 'utf8'), 'onnx bytes of run-a');
  });

  it('refuses a run that has not completed, a folder without a model, and a name it cannot serve', async () => {
    await recordRun('run-c', 'running');
    await writeRunFolder(out(), 'run-c', 0.9);
    await assert.rejects(registerRun(stores, { model: 'iris', dir: out(), actor: 'a' }), { code: 'DL_REGISTRY', message: /run run-c is running/ });
    const empty = path.join(root, 'empty');
    await fs.mkdir(empty);
    await assert.rejects(registerRun(stores, { model: 'iris', dir: empty, actor: 'a' }), { code: 'DL_DATA_MISSING', message: /transform\.json does not exist/ });
    await assert.rejects(registerRun(stores, { model: 'iris@2', dir: out(), actor: 'a' }), { code: 'DL_REGISTRY' });
    assert.equal((await registry.getModel('iris'))?.versions, 2);
  });

  it('takes a folder from elsewhere (its run not in this workspace): no data version, no gates', async () => {
    const copied = path.join(root, 'copied');
    await writeRunFolder(copied, 'run-elsewhere', 0.9);
    const v = await registerRun(stores, { model: 'shared', dir: copied, actor: 'bob' });
    assert.equal(v.runId, 'run-elsewhere');
    assert.equal(v.dataVersion, undefined);
    assert.deepEqual(v.gates, {});
  });
});

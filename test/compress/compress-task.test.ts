import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createRegistries } from '../../src/context/registries.ts';
import { taskExtensions } from '../../src/context/task-vocabulary.ts';
import { parseTaskObject } from '../../src/task/parse-task-object.ts';
import { TaskSpecError } from '../../src/task/task-spec-error.ts';
import { evaluationPublication } from '../../src/templates/evaluation-tail.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/task');
const extensions = taskExtensions(createRegistries());
const parse = (compress: unknown) => parseTaskObject({ data: { path: 'iris.csv', target: 'species' }, compress }, { baseDir: FIXTURES, extensions });

async function problems(compress: unknown): Promise<string[]> {
  try {
    await parse(compress);
  } catch (e) {
    if (e instanceof TaskSpecError) return e.issues.map((i) => `${i.field}: ${i.problem}`);
    throw e;
  }
  return [];
}

describe('compress in the task file', { timeout: 20_000 }, () => {
  it('is off by default and publishes the float model as model/', async () => {
    const spec = await parseTaskObject({ data: { path: 'iris.csv', target: 'species' } }, { baseDir: FIXTURES, extensions });
    assert.equal(spec.compress, undefined);
    assert.equal(evaluationPublication(spec, 'transform')['train.model'], 'model');
  });

  it('reads a pruning share and a quantization, with the defaults', async () => {
    const spec = await parse({ prune: 0.5, quantize: 'int8' });
    assert.deepEqual(spec.compress, { mode: 'fixed', prune: { method: 'channel', amount: 0.5 }, quantize: 'int8', tolerance: 0.01, prefer: 'smallest', fineTuneEpochs: 8, batch: 64 });
    const published = evaluationPublication(spec, 'transform');
    assert.equal(published['train.model'], 'model-float');
    assert.equal(published['compress.model'], 'model');
    assert.equal(published['compress.onnx'], 'model.onnx');
    assert.equal(published['export-onnx.file'], 'model-float.onnx');
  });

  it('reads `auto` and a method with options', async () => {
    assert.deepEqual((await parse('auto')).compress, { mode: 'auto', prune: { method: 'channel', amount: 0.5 }, quantize: 'none', tolerance: 0.01, prefer: 'smallest', fineTuneEpochs: 8, batch: 64 });
    const spec = await parse({ auto: true, prune: { amount: 0.8, method: 'magnitude', options: { scope: 'layer' } }, tolerance: 0.02, prefer: 'fastest' });
    assert.deepEqual(spec.compress?.prune, { method: 'magnitude', amount: 0.8, options: { scope: 'layer' } });
    assert.equal(spec.compress?.mode, 'auto');
  });

  it('names the registered pruners for a misspelt method, and checks its options', async () => {
    assert.deepEqual(await problems({ prune: { amount: 0.5, method: 'chanel' } }), ['compress.prune.method: expected a registered pruner (channel, magnitude), but got "chanel" — did you mean `channel`?']);
    const [bad] = await problems({ prune: { amount: 0.5, options: { criterion: 'l2' } } });
    assert.match(bad!, /^compress\.prune\.options\.criterion: /);
  });

  it('rejects a compress that asks for nothing, or auto with a quantization', async () => {
    assert.match((await problems({ quantize: 'none' }))[0]!, /^compress: names neither a pruning nor a quantization/);
    assert.match((await problems({ auto: true, quantize: 'int8' }))[0]!, /^compress\.quantize: is chosen by `auto: true`/);
    assert.equal((await problems({ prune: 1 })).length, 1);
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { imageExtension, inputsFolder, listKeptInputs, PredictionInputStore } from '../../src/monitor/prediction-log/input-store.ts';
import { loggedInput } from '../../src/monitor/prediction-log/logged-input.ts';
import { PredictionRecorder } from '../../src/serve/prediction-recorder.ts';
import type { ServedModel } from '../../src/serve/served-model.ts';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('PredictionInputStore', () => {
  it('names files by their magic bytes', () => {
    assert.equal(imageExtension(PNG), 'png');
    assert.equal(imageExtension(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'jpg');
    assert.equal(imageExtension(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1')), 'webp');
    assert.equal(imageExtension(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1')), 'bin');
    assert.equal(imageExtension(Buffer.from('hello')), 'bin');
  });

  it('keeps each distinct input once, under the hash the log record carries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deepline-inputs-'));
    const store = new PredictionInputStore(dir);
    const image = { image: PNG.toString('base64') };
    const pixels = { pixels: [0, 0.5, 16] };
    for (const instance of [image, pixels, image, pixels]) store.keep('my model', instance, loggedInput(instance, 'image').inputRef);
    // A table row has no reference and is not kept.
    store.keep('my model', { a: 1 }, loggedInput({ a: 1 }, 'table').inputRef);
    await store.close();
    assert.deepEqual(store.stats, { written: 2, failed: 0, pending: 0 });
    const folder = inputsFolder(dir, 'my model');
    assert.equal(folder, join(dir, 'my_model', 'inputs'));
    const sha = createHash('sha256').update(PNG).digest('hex');
    assert.deepEqual(readFileSync(join(folder, `${sha}.png`)), PNG);
    const kept = await listKeptInputs(folder);
    assert.equal(kept.size, 2);
    const json = [...kept.values()].find((k) => k.ext === 'json')!;
    assert.deepEqual(JSON.parse(readFileSync(json.path, 'utf8')), [0, 0.5, 16]);
    assert.equal((await listKeptInputs(join(dir, 'absent'))).size, 0);
  });

  it('counts a failed write and tells onError, never throws', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deepline-inputs-'));
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, '');
    const errors: Error[] = [];
    const store = new PredictionInputStore(blocker, (e) => errors.push(e));
    const instance = { pixels: [1, 2, 3] };
    assert.doesNotThrow(() => store.keep('m', instance, loggedInput(instance, 'image').inputRef));
    await store.close();
    assert.deepEqual(store.stats, { written: 0, failed: 1, pending: 0 });
    assert.equal(errors.length, 1);
    assert.deepEqual(readdirSync(dir), ['not-a-folder']);
  });

  it('the recorder keeps image inputs by default, and not with keepInputs: false (--no-log-inputs)', async () => {
    for (const keepInputs of [undefined, false]) {
      const dir = mkdtempSync(join(tmpdir(), 'deepline-inputs-'));
      const recorder = await PredictionRecorder.open({ dir, ...(keepInputs === false && { keepInputs }) });
      const model = { name: 'digits', inputKind: 'image' } as unknown as ServedModel;
      recorder.record({ id: 'r1', model, instances: [{ pixels: [1, 2] }], outputs: [{ prediction: { label: '1' } }] as never, uncertainties: [undefined], latencyMs: 1 });
      await recorder.close();
      const kept = await listKeptInputs(inputsFolder(dir, 'digits'));
      assert.equal(kept.size, keepInputs === false ? 0 : 1);
      assert.deepEqual(recorder.inputStats, keepInputs === false ? undefined : { written: 1, failed: 0, pending: 0 });
    }
  });
});

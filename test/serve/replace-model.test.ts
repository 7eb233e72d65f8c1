import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createServer } from '../../src/serve/create-server.ts';
import type { ModelOutput, ServedModel } from '../../src/serve/served-model.ts';

/** A served model that answers its version as the predicted value; `hold()` keeps its next batch running until released. */
function fakeModel(version: string) {
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  let started: (() => void) | undefined;
  const state = { closed: false, batches: 0 };
  const model: ServedModel = {
    name: 'iris',
    task: 'tabular-regression',
    inputShape: [1],
    instanceHint: '{ "x": <number> }',
    inputKind: 'tensor',
    version,
    runtime: 'fake',
    encode: async (instance) => Float32Array.of((instance as { x: number }).x),
    run: async (batch): Promise<ModelOutput[]> => {
      assert.equal(state.closed, false, `version ${version} ran after it was released`);
      state.batches += 1;
      started?.();
      if (gate) await gate;
      return batch.map(() => ({ prediction: { value: Number(version) } }));
    },
    predict: async (batch) => (await model.run(batch)).map((o) => o.prediction),
    close: async () => {
      state.closed = true;
    },
  };
  return {
    model,
    state,
    /** The next batch waits for `release()`; resolves once it has started. */
    hold(): Promise<void> {
      gate = new Promise((resolve) => (open = resolve));
      return new Promise((resolve) => (started = resolve));
    },
    release: () => open!(),
  };
}

describe('createServer: replaceModel', () => {
  it('swaps a model atomically: taken requests finish on the old one, new ones go to the new one, the old is released after', async () => {
    const v1 = fakeModel('1');
    const v2 = fakeModel('2');
    const server = await createServer([v1.model]);
    try {
      const predict = () => server.app.inject({ method: 'POST', url: '/v1/models/iris/predict', payload: { instances: [{ x: 1 }] } });
      const running = v1.hold();
      const early = predict();
      await running;
      const swapped = server.replaceModel(v2.model);
      let released = false;
      void swapped.then(() => (released = true));

      const late = await predict();
      assert.equal(late.statusCode, 200);
      assert.equal(late.headers['x-model-version'], '2');
      assert.deepEqual(late.json(), { model: 'iris', version: '2', predictions: [{ value: 2 }] });
      const listed = await server.app.inject({ method: 'GET', url: '/v1/models' });
      assert.equal((listed.json() as { models: { version: string }[] }).models[0]!.version, '2');
      assert.equal(v1.state.closed, false, 'the old model still answers what it took');
      assert.equal(released, false);

      v1.release();
      const first = await early;
      assert.equal(first.headers['x-model-version'], '1');
      assert.deepEqual(first.json(), { model: 'iris', version: '1', predictions: [{ value: 1 }] });
      await swapped;
      assert.equal(v1.state.closed, true, 'released once drained');
      assert.deepEqual([v1.state.batches, v2.state.batches], [1, 1]);
      assert.equal(v2.state.closed, false);
    } finally {
      await server.close();
    }
    assert.equal(v2.state.closed, true, 'close releases the model served now');
  });

  it('refuses to replace a model it does not serve, and a model without a version answers without one', async () => {
    const plain = fakeModel('1');
    const server = await createServer([{ ...plain.model, version: undefined }]);
    try {
      await assert.rejects(server.replaceModel({ ...plain.model, name: 'digits' }), /no model named digits is served/);
      const r = await server.app.inject({ method: 'POST', url: '/v1/models/iris/predict', payload: { instances: [{ x: 1 }] } });
      assert.equal(r.headers['x-model-version'], undefined);
      assert.equal('version' in (r.json() as object), false);
    } finally {
      await server.close();
    }
  });
});

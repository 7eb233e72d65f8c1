import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { currentEngine, initEngine } from '../../src/engine/engine.ts';
import { registerWasmKernels } from '../../src/engine/kernels/register-wasm-kernels.ts';

const deeplineKernels = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'MaxPoolGrad',
  'ResizeNearestNeighborGrad',
  'UnsortedSegmentSum',
];

test('auto picks native when built, else tfjs-node when installed, else wasm, and says so once in plain words', async () => {
  const messages: string[] = [];
  const engine = await initEngine('auto', { notify: (m) => messages.push(m) });
  assert.equal(currentEngine(), engine);
  assert.equal(tf.getBackend(), engine.name === 'tfjs-node' ? 'tensorflow' : engine.name);
  if (engine.name === 'native' || engine.name === 'tfjs-node') {
    assert.deepEqual(messages, []);
  } else {
    assert.equal(engine.name, 'wasm');
    assert.equal(messages.length, 1);
    assert.match(messages[0], /@tensorflow\/tfjs-node is not installed/);
    assert.match(messages[0], /engine: wasm/);
    assert.match(messages[0], /apt-get install libdnnl-dev/);
  }
  // Switching away and back through auto again does not repeat it.
  await initEngine('cpu');
  assert.equal(currentEngine()?.name, 'cpu');
  await initEngine('wasm');
  assert.equal(tf.getBackend(), 'wasm');
  await initEngine('auto', { notify: (m) => messages.push(m) });
  assert.ok(messages.length <= 1);
});

test('the wasm engine has every gradient kernel a CNN, an MLP and an embedding need', async () => {
  await initEngine('wasm');
  for (const name of deeplineKernels) assert.ok(tf.getKernel(name, 'wasm'), `${name} is not registered for wasm`);
  const before = deeplineKernels.map((name) => tf.getKernel(name, 'wasm')?.kernelFunc);
  registerWasmKernels();
  registerWasmKernels();
  assert.deepEqual(
    deeplineKernels.map((name) => tf.getKernel(name, 'wasm')?.kernelFunc),
    before,
    'registering twice must change nothing',
  );
});

import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { currentEngine, initEngine } from '../../../src/engine/engine.ts';
import { NativeBackend } from '../../../src/engine/native/native-backend.ts';
import { nativeThreads, setNativeThreads } from '../../../src/engine/native/native-threads.ts';
import { nativeKernelConfigs } from '../../../src/engine/native/register-native-backend.ts';
import { skipWithoutNative } from './native-available.ts';

test('the native engine starts by name and by auto, with every cpu kernel and its own on top', { skip: skipWithoutNative }, async () => {
  const engine = await initEngine('native');
  assert.equal(engine.name, 'native');
  assert.equal(tf.getBackend(), 'native');
  assert.ok(tf.backend() instanceof NativeBackend);
  const cpu = new Set(tf.getKernelsForBackend('cpu').map((k) => k.kernelName));
  const native = new Set(tf.getKernelsForBackend('native').map((k) => k.kernelName));
  for (const name of cpu) assert.ok(native.has(name), `${name} is missing on native`);
  for (const k of nativeKernelConfigs()) assert.equal(tf.getKernel(k.kernelName, 'native')?.kernelFunc, k.kernelFunc, k.kernelName);
  await initEngine('wasm');
  const messages: string[] = [];
  // auto keeps the engine already started; from none it would choose native first.
  assert.equal((await initEngine('auto', { notify: (m) => messages.push(m) })).name, 'wasm');
  await initEngine('native');
  assert.equal(currentEngine()?.name, 'native');
  assert.deepEqual(messages, []);
});

test('the thread count is settable (1 per worker) and defaults to every core', { skip: skipWithoutNative }, async () => {
  const before = nativeThreads();
  assert.ok(before !== undefined && before >= 1);
  setNativeThreads(1);
  assert.equal(nativeThreads(), 1);
  await initEngine('native', { threads: 2 });
  assert.equal(nativeThreads(), 2);
  setNativeThreads();
  assert.equal(nativeThreads(), availableParallelism());
  assert.throws(() => setNativeThreads(0), /positive integer/);
});

test('values read from a tensor stay valid after it is disposed and its memory reused', { skip: skipWithoutNative }, async () => {
  await initEngine('native');
  const a = tf.fill([1000], 2);
  const doubled = tf.add(a, a); // a native output, from the memory pool
  const read = doubled.dataSync();
  const sliced = tf.slice(doubled, [10], [5]); // the cpu Slice would return a view of doubled
  doubled.dispose();
  const reused = tf.mul(a, tf.fill([1000], 7)); // takes doubled's array from the pool
  assert.equal(read[0], 4);
  assert.deepEqual(Array.from(sliced.dataSync()), [4, 4, 4, 4, 4]);
  assert.equal(reused.dataSync()[0], 14);
  tf.dispose([a, sliced, reused]);
});

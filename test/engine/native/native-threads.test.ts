import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../../src/engine/engine.ts';
import { createThreadTuner, nativeInferenceThreads, nativeThreads, nativeThreadTuner, setNativeThreads } from '../../../src/engine/native/native-threads.ts';
import { skipWithoutNative } from './native-available.ts';

/** Runs a tuner over batches whose time depends on the thread count set; returns what was set, in order. */
function tune(msFor: (threads: number, batch: number) => number, batches = 30, margin?: number) {
  let threads = 0;
  const sets: number[] = [];
  const tuner = createThreadTuner({ candidates: [1, 2], set: (n) => sets.push((threads = n)), ...(margin !== undefined && { margin }) });
  const ran: number[] = [];
  for (let b = 0; b < batches; b++) {
    tuner.beforeBatch();
    ran.push(threads);
    tuner.afterBatch(msFor(threads, b));
  }
  return { chosen: tuner.chosen, sets, ran };
}

test('the tuner warms each count up, then times them in turns, and keeps the faster', () => {
  const small = tune((t) => (t === 1 ? 10 : 24));
  assert.equal(small.chosen, 1, 'a model the thread pool slows down trains on one thread');
  // 2 warm-up batches per count, then 5 rounds of one timed batch per count, then the choice.
  assert.deepEqual(small.ran.slice(0, 14), [1, 1, 2, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
  assert.ok(small.ran.slice(14).every((t) => t === 1));
  assert.equal(small.sets.length, 15, 'nothing is set once the count is chosen');

  const large = tune((t) => (t === 1 ? 10 : 6));
  assert.equal(large.chosen, 2, 'a model the threads speed up trains on both');
  assert.ok(large.ran.slice(14).every((t) => t === 2));
});

test('warm-up times do not count, a slow outlier does not decide, and a tie keeps one thread', () => {
  // Building oneDNN primitives makes the first batches at each count slow: they are not timed.
  assert.equal(tune((t, b) => (b < 4 ? 500 : t === 1 ? 10 : 7)).chosen, 2);
  // One batch hit by other work on the machine: the median ignores it.
  assert.equal(tune((t, b) => (t === 2 && b === 7 ? 200 : t === 1 ? 10 : 7)).chosen, 2);
  assert.equal(tune((t, b) => (t === 1 && b === 6 ? 200 : t === 1 ? 7 : 10)).chosen, 1);
  // 2% faster is within the margin (3%): the cores stay free for other work.
  assert.equal(tune((t) => (t === 1 ? 10 : 9.8)).chosen, 1);
  assert.equal(tune((t) => (t === 1 ? 10 : 9.8), 30, 0).chosen, 2);
});

test('a training shorter than the tuning leaves the choice open', () => {
  assert.equal(tune((t) => t, 10).chosen, undefined);
});

test('auto threads give each training a tuner on the native engine; a fixed count gives none', { skip: skipWithoutNative }, async () => {
  await initEngine('native');
  try {
    setNativeThreads(1);
    assert.equal(nativeThreadTuner(), undefined, 'a fixed count is kept');
    setNativeThreads('auto', 1);
    assert.equal(nativeThreadTuner(), undefined, 'one thread allowed: nothing to choose');
    setNativeThreads('auto', 2);
    assert.equal(nativeThreads(), 2, 'auto starts at the most it may use');
    const tuner = nativeThreadTuner();
    assert.ok(tuner);
    // Drive it with real batches: a matmul small enough that either count may win.
    const a = tf.randomNormal([64, 64]);
    for (let b = 0; b < 14; b++) {
      tuner.beforeBatch();
      const start = performance.now();
      const out = tf.matMul(a, a);
      await out.data();
      out.dispose();
      tuner.afterBatch(performance.now() - start);
    }
    a.dispose();
    assert.ok(tuner.chosen === 1 || tuner.chosen === 2, `chose ${tuner.chosen}`);
    assert.equal(nativeThreads(), tuner.chosen, 'the chosen count is set for the rest of the training');
    assert.throws(() => setNativeThreads(0), /positive integer or 'auto'/);
  } finally {
    setNativeThreads('auto', availableParallelism());
  }
});

test('inference calls run at the count chosen for their batch size, and put the count back', { skip: skipWithoutNative }, async () => {
  await initEngine('native');
  try {
    setNativeThreads(1);
    assert.equal(nativeInferenceThreads(), undefined, 'a fixed count is kept');
    setNativeThreads('auto', 2);
    const threads = nativeInferenceThreads()!;
    // A call whose time depends on the threads it runs with: batch 1 is faster on one thread, batch 64 on two.
    const seen = new Map<number, number[]>([[1, []], [64, []]]);
    const call = (batch: number) => async (): Promise<void> => {
      const t = nativeThreads()!;
      seen.get(batch)!.push(t);
      const ms = batch === 1 ? (t === 1 ? 0.2 : 0.6) : t === 1 ? 0.6 : 0.2;
      const start = performance.now();
      while (performance.now() - start < ms);
    };
    for (let i = 0; i < 20; i++) {
      await threads.run(1, call(1));
      assert.equal(nativeThreads(), 2, 'the count before the call is put back');
      await threads.run(64, call(64));
    }
    assert.ok(seen.get(1)!.slice(14).every((t) => t === 1), `batch 1: ${seen.get(1)}`);
    assert.ok(seen.get(64)!.slice(14).every((t) => t === 2), `batch 64: ${seen.get(64)}`);
    await assert.rejects(threads.run(1, async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(nativeThreads(), 2, 'a failed call puts the count back too');
  } finally {
    setNativeThreads('auto', availableParallelism());
  }
});

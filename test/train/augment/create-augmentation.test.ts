import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createAugmentation } from '../../../src/train/augment/create-augmentation.ts';
import { Registry } from '../../../src/extensions/registry.ts';
import type { Augmenter } from '../../../src/train/augment/augmenter.ts';
import { initEngine } from '../../../src/engine/engine.ts';
import type { AugmentSettings } from '../../../src/task/task-spec.ts';

const OFF: AugmentSettings = { flip: 'none', shift: 0, rotate: 0, crop: 0, noise: 0, tokenDropout: 0 };

/** Asymmetric [b, 8, 8, 1] images with values 0..63 and more, so any flip or shift changes them a lot. */
function images(b: number): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from({ length: b * 64 }, (_, p) => (p % 64) + 3 * Math.floor(p / 64)), [b, 8, 8, 1]);
}

function apply(augment: NonNullable<ReturnType<typeof createAugmentation>>, x: tf.Tensor, epoch = 1, batch = 0): Float32Array {
  const out = augment(x, { epoch, batch });
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return values;
}

describe('createAugmentation', { timeout: 60_000 }, () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('is undefined when everything is off, for tabular data, and for settings of another modality', () => {
    assert.equal(createAugmentation(OFF, 'image', 1), undefined);
    assert.equal(createAugmentation({ ...OFF, flip: 'horizontal', noise: 0.1 }, 'tabular', 1), undefined);
    assert.equal(createAugmentation({ ...OFF, flip: 'both', shift: 0.1 }, 'text', 1), undefined);
    assert.equal(createAugmentation({ ...OFF, tokenDropout: 0.1 }, 'image', 1), undefined);
  });

  it('composes the stages in a fixed order, disposing every intermediate', () => {
    const augment = createAugmentation({ ...OFF, noise: 0.05, shift: 0.125, flip: 'horizontal', rotate: 10, crop: 0.1 }, 'image', 3)!;
    assert.deepEqual(
      augment.stages.map((s) => s.split(' ')[0]),
      ['image/flip', 'image/crop', 'image/rotate', 'image/shift', 'image/noise'],
    );
    assert.equal(augment.stages[0], 'image/flip {"mode":"horizontal"}');
    const x = images(16);
    const source = Array.from(x.dataSync());
    const before = tf.memory().numTensors;
    const out = augment(x, { epoch: 2, batch: 5 });
    assert.equal(tf.memory().numTensors, before + 1);
    assert.deepEqual(out.shape, [16, 8, 8, 1]);
    assert.notDeepEqual(Array.from(out.dataSync()), source);
    out.dispose();
    assert.deepEqual(Array.from(x.dataSync()), source, 'the input batch is left as it was');
    assert.deepEqual(apply(augment, x, 2, 5), apply(augment, x, 2, 5));
  });

  it("adding a stage leaves the other stages' random choices as they were", () => {
    const x = images(32);
    const flipOnly = apply(createAugmentation({ ...OFF, flip: 'both' }, 'image', 9)!, x);
    const flipAndNoise = apply(createAugmentation({ ...OFF, flip: 'both', noise: 0.01 }, 'image', 9)!, x);
    // The same flips: what differs is only the small noise, never a moved pixel.
    let largest = 0;
    flipOnly.forEach((v, i) => (largest = Math.max(largest, Math.abs(v - flipAndNoise[i]))));
    assert.ok(largest > 0 && largest < 0.1, `largest difference ${largest}`);
  });

  it('applies token dropout to text batches', () => {
    const augment = createAugmentation({ ...OFF, tokenDropout: 0.25 }, 'text', 1)!;
    assert.deepEqual(augment.stages, ['text/token-dropout {"rate":0.25}']);
    const ids = tf.tensor2d(Int32Array.from({ length: 100 * 40 }, (_, p) => 2 + (p % 300)), [100, 40], 'int32');
    const out = apply(augment, ids);
    const share = out.filter((v) => v === 1).length / out.length;
    assert.ok(Math.abs(share - 0.25) < 0.03, `share ${share}`);
  });

  it("uses the registry it is given, and a stage's options must pass its schema", () => {
    const calls: unknown[] = [];
    const custom: Augmenter<{ mode: string }> = {
      name: 'flip',
      appliesTo: 'image',
      description: 'records its options, changes nothing',
      optionsSchema: { parse: (o: unknown) => o } as unknown as Augmenter<{ mode: string }>['optionsSchema'],
      create(options, seed) {
        calls.push({ options, seed });
        return (x) => x;
      },
    };
    const registry = new Registry<Augmenter>('augmenter');
    registry.register('image/flip', custom);
    const augment = createAugmentation({ ...OFF, flip: 'vertical' }, 'image', 4, registry)!;
    const x = images(2);
    assert.equal(augment(x, { epoch: 1, batch: 0 }), x);
    assert.deepEqual(calls.map((c) => (c as { options: unknown }).options), [{ mode: 'vertical' }]);
    assert.throws(() => createAugmentation({ ...OFF, shift: 0.1 }, 'image', 4, registry), /unknown augmenter `image\/shift`/);
    // Settings beyond an augmenter's own limits are refused, not silently clamped.
    assert.throws(() => createAugmentation({ ...OFF, crop: 1.5 }, 'image', 4));
  });

  it('gives the same images on the cpu and wasm engines', async () => {
    const augment = createAugmentation({ flip: 'both', shift: 0.25, rotate: 15, crop: 0.2, noise: 0.1, tokenDropout: 0 }, 'image', 11)!;
    const onWasm = apply(augment, images(8), 3, 1);
    try {
      await initEngine('cpu');
      const onCpu = apply(augment, images(8), 3, 1);
      onCpu.forEach((v, i) => assert.ok(Math.abs(v - onWasm[i]) < 1e-3, `pixel ${i}: cpu ${v} vs wasm ${onWasm[i]}`));
    } finally {
      await initEngine('wasm');
    }
  });
});

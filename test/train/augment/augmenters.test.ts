import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { Augmenter } from '../../../src/train/augment/augmenter.ts';
import { createAugmenterRegistry } from '../../../src/train/augment/augmenter-registry.ts';
import type { BatchAugment } from '../../../src/train/augment/batch-augment.ts';
import { rotationTransform } from '../../../src/train/augment/rotation-transform.ts';
import { transformImages } from '../../../src/train/augment/transform-images.ts';
import { initEngine } from '../../../src/engine/engine.ts';
import type { DeeplineError } from '../../../src/errors/index.ts';

const registry = createAugmenterRegistry();

function augmenter(key: string, options: unknown, seed = 7): BatchAugment {
  const a: Augmenter = registry.get(key);
  return a.create(a.optionsSchema.parse(options), seed);
}

/** Runs `fn`, checks it leaves exactly one new tensor (its result), and returns that result's values. */
function run(fn: BatchAugment, x: tf.Tensor, epoch = 1, batch = 0): { values: Float32Array | Int32Array; shape: number[]; dtype: string } {
  const before = tf.memory().numTensors;
  const out = fn(x, { epoch, batch });
  assert.equal(tf.memory().numTensors, before + 1, 'an augmenter leaves only its result');
  const result = { values: out.dataSync() as Float32Array | Int32Array, shape: out.shape, dtype: out.dtype };
  out.dispose();
  return result;
}

/** [b, h, w, 1] images with pixel (r, c) of image i = 100 i + 10 r + c: every pixel tells where it came from. */
function labelled(b: number, h: number, w: number): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from({ length: b * h * w }, (_, p) => 100 * Math.floor(p / (h * w)) + 10 * Math.floor((p % (h * w)) / w) + (p % w)), [b, h, w, 1]);
}

/** [b, size, size, 1] zeros with a single 1 at (row, col). */
function dot(b: number, size: number, row: number, col: number): tf.Tensor4D {
  const x = new Float32Array(b * size * size);
  for (let i = 0; i < b; i++) x[i * size * size + row * size + col] = 1;
  return tf.tensor4d(x, [b, size, size, 1]);
}

describe('augmenters', { timeout: 60_000 }, () => {
  before(async () => {
    await initEngine('wasm');
  });

  describe('flip', () => {
    it('reverses columns (horizontal), rows (vertical) or both, for rank 3 and rank 4 batches', () => {
      const x = labelled(2, 2, 3);
      const h = run(augmenter('image/flip', { mode: 'horizontal', probability: 1 }), x);
      assert.deepEqual(Array.from(h.values.slice(0, 6)), [2, 1, 0, 12, 11, 10]);
      const v = run(augmenter('image/flip', { mode: 'vertical', probability: 1 }), x);
      assert.deepEqual(Array.from(v.values.slice(0, 6)), [10, 11, 12, 0, 1, 2]);
      const both = run(augmenter('image/flip', { mode: 'both', probability: 1 }), tf.squeeze(x, [3]));
      assert.deepEqual(both.shape, [2, 2, 3]);
      assert.deepEqual(Array.from(both.values.slice(6)), [112, 111, 110, 102, 101, 100]);
      assert.deepEqual(Array.from(run(augmenter('image/flip', { mode: 'both', probability: 0 }), x).values), Array.from(x.dataSync()));
    });

    it('flips each image independently with the given probability', () => {
      const x = labelled(400, 2, 2);
      const out = run(augmenter('image/flip', { mode: 'horizontal' }), x).values;
      let flipped = 0;
      for (let i = 0; i < 400; i++) {
        const first = out[i * 4] - 100 * i;
        assert.ok(first === 0 || first === 1, 'each image is either kept or mirrored whole');
        if (first === 1) flipped++;
      }
      assert.ok(flipped > 160 && flipped < 240, `${flipped} of 400 flipped at p = 0.5`);
    });
  });

  describe('shift', () => {
    it('transformImages moves a bright pixel by exactly the translation', () => {
      // Content moves by (+dx, +dy) = (+2, -1): (4, 4) → (3, 6).
      const out = transformImages(dot(1, 9, 4, 4), Float32Array.from([1, 0, -2, 0, 1, 1, 0, 0]), { interpolation: 'nearest', fill: 'zero' });
      const values = Array.from(out.dataSync());
      out.dispose();
      assert.equal(values[3 * 9 + 6], 1);
      assert.equal(values.reduce((a, b) => a + b, 0), 1);
    });

    it('moves each image by whole pixels up to round(share × size), both ways', () => {
      const b = 200;
      // 9 × 9, share 0.25: at most round(2.25) = 2 pixels each way.
      const out = run(augmenter('image/shift', { share: 0.25 }), dot(b, 9, 4, 4)).values;
      const seen = new Set<string>();
      for (let i = 0; i < b; i++) {
        const image = Array.from(out.subarray(i * 81, (i + 1) * 81));
        assert.equal(image.reduce((a, v) => a + v, 0), 1, 'the pixel is moved, not blurred or lost');
        const at = image.indexOf(1);
        const [dy, dx] = [Math.floor(at / 9) - 4, (at % 9) - 4];
        assert.ok(Math.abs(dy) <= 2 && Math.abs(dx) <= 2, `shift (${dy}, ${dx})`);
        seen.add(`${dy},${dx}`);
      }
      assert.equal(seen.size, 25, 'every shift in [-2, 2]² occurs');
    });

    it('fills with zeros or repeats the edge, on [b, h, w] batches too', () => {
      const x = tf.tensor3d(Float32Array.from({ length: 16 }, (_, p) => 1 + (p % 4)), [1, 4, 4]);
      const shiftBy = (fill: 'zero' | 'edge') => {
        const out = transformImages(x, Float32Array.from([1, 0, -1, 0, 1, 0, 0, 0]), { interpolation: 'nearest', fill });
        assert.deepEqual(out.shape, [1, 4, 4]);
        const row = Array.from(out.dataSync().slice(0, 4));
        out.dispose();
        return row;
      };
      assert.deepEqual(shiftBy('zero'), [0, 1, 2, 3]);
      assert.deepEqual(shiftBy('edge'), [1, 1, 2, 3]);
    });
  });

  describe('rotate', () => {
    it('a quarter turn is numpy rot90: out[y][x] = in[x][w - 1 - y]', () => {
      const x = labelled(1, 5, 5);
      const src = x.dataSync();
      for (const interpolation of ['nearest', 'bilinear'] as const) {
        const out = transformImages(x, Float32Array.from(rotationTransform(90, 5, 5)), { interpolation, fill: 'zero' });
        const values = out.dataSync();
        out.dispose();
        for (let y = 0; y < 5; y++) for (let c = 0; c < 5; c++) assert.ok(Math.abs(values[y * 5 + c] - src[c * 5 + (4 - y)]) < 1e-4, `${interpolation} (${y}, ${c})`);
      }
      // Four quarter turns of an even-sized image land back on the start.
      const even = labelled(1, 4, 4);
      let turned: tf.Tensor = even;
      for (let i = 0; i < 4; i++) turned = transformImages(turned, Float32Array.from(rotationTransform(90, 4, 4)), { interpolation: 'nearest', fill: 'zero' });
      assert.deepEqual(Array.from(turned.dataSync()), Array.from(even.dataSync()));
    });

    it('turns each image about its centre by at most the configured angle', () => {
      // A 3x3 blob 5 pixels right of the centre of a 15 x 15 image: rotation keeps its distance from the centre.
      const size = 15;
      const b = 100;
      const x = new Float32Array(b * size * size);
      for (let i = 0; i < b; i++) for (let r = 6; r <= 8; r++) for (let c = 11; c <= 13; c++) x[i * size * size + r * size + c] = 1;
      const out = run(augmenter('image/rotate', { degrees: 30 }), tf.tensor4d(x, [b, size, size, 1])).values;
      const angles: number[] = [];
      for (let i = 0; i < b; i++) {
        let [mass, my, mx] = [0, 0, 0];
        for (let p = 0; p < size * size; p++) {
          const v = out[i * size * size + p];
          mass += v;
          my += v * Math.floor(p / size);
          mx += v * (p % size);
        }
        const [dy, dx] = [my / mass - 7, mx / mass - 7];
        assert.ok(Math.abs(Math.hypot(dy, dx) - 5) < 0.3, `radius ${Math.hypot(dy, dx)}`);
        // Counter-clockwise on screen: the blob moves up (negative dy) for positive angles.
        angles.push((Math.atan2(-dy, dx) * 180) / Math.PI);
      }
      assert.ok(angles.every((a) => Math.abs(a) <= 31), `angles within ±30°: ${Math.min(...angles)}..${Math.max(...angles)}`);
      assert.ok(Math.min(...angles) < -20 && Math.max(...angles) > 20, 'both directions, near the limit');
    });
  });

  describe('crop', () => {
    it('keeps the shape and zooms in: a column ramp stays linear with slope in [1 - share, 1]', () => {
      const [b, h, w] = [50, 6, 12];
      const ramp = tf.tensor4d(Float32Array.from({ length: b * h * w }, (_, p) => p % w), [b, h, w, 1]);
      const out = run(augmenter('image/crop', { share: 0.4 }), ramp);
      assert.deepEqual(out.shape, [b, h, w, 1]);
      const slopes: number[] = [];
      for (let i = 0; i < b; i++) {
        const row = out.values.subarray(i * h * w, i * h * w + w);
        const slope = (row[w - 2] - row[1]) / (w - 3);
        for (let c = 1; c < w - 1; c++) assert.ok(Math.abs(row[c] - (row[1] + slope * (c - 1))) < 1e-3, 'linear');
        assert.ok(slope >= 0.6 - 1e-4 && slope <= 1 + 1e-4, `slope ${slope}`);
        assert.ok(row[0] >= 0 && row[w - 1] <= w - 1, 'the crop lies inside the image');
        slopes.push(slope);
      }
      assert.ok(Math.min(...slopes) < 0.7 && Math.max(...slopes) > 0.9, 'crop sizes vary over the range');
    });
  });

  describe('noise', () => {
    it('adds zero-mean Gaussian noise of the configured std, leaving the input intact', () => {
      const x = tf.fill([32, 28, 28, 1], 0.5);
      const out = run(augmenter('image/noise', { std: 0.3 }), x).values;
      let [sum, sq] = [0, 0];
      for (const v of out) {
        sum += v - 0.5;
        sq += (v - 0.5) ** 2;
      }
      const mean = sum / out.length;
      const std = Math.sqrt(sq / out.length - mean ** 2);
      assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
      assert.ok(Math.abs(std - 0.3) < 0.01, `std ${std}`);
      assert.ok(x.dataSync().every((v) => v === 0.5));
    });
  });

  describe('token dropout', () => {
    const [b, len, pad] = [200, 50, 10];
    const ids = tf.tensor2d(Int32Array.from({ length: b * len }, (_, p) => (p % len >= len - pad ? 0 : 2 + ((p * 7919) % 997))), [b, len], 'int32');
    const source = ids.dataSync();

    it('replaces tokens with the OOV id at rate p, never touching padding', () => {
      const out = run(augmenter('text/token-dropout', { rate: 0.2 }), ids);
      assert.equal(out.dtype, 'int32');
      let [tokens, dropped] = [0, 0];
      out.values.forEach((v, p) => {
        if (source[p] === 0) return assert.equal(v, 0);
        tokens++;
        if (v === 1) dropped++;
        else assert.equal(v, source[p]);
      });
      assert.ok(Math.abs(dropped / tokens - 0.2) < 0.015, `rate ${dropped / tokens} over ${tokens} tokens`);
    });

    it('can replace with the padding id instead', () => {
      const out = run(augmenter('text/token-dropout', { rate: 0.5, replaceWith: 'pad' }), ids);
      const zeros = out.values.filter((v) => v === 0).length - b * pad;
      assert.ok(Math.abs(zeros / (b * (len - pad)) - 0.5) < 0.03);
      assert.ok(!out.values.includes(1));
    });
  });

  it('every augmenter is deterministic in (seed, epoch, batch) and varies with each', () => {
    const cases: Array<[string, unknown, tf.Tensor]> = [
      ['image/flip', { mode: 'both' }, labelled(16, 4, 4)],
      ['image/shift', { share: 0.3 }, labelled(16, 8, 8)],
      ['image/rotate', { degrees: 20 }, labelled(16, 8, 8)],
      ['image/crop', { share: 0.3 }, labelled(16, 8, 8)],
      ['image/noise', { std: 0.1 }, labelled(4, 8, 8)],
      ['text/token-dropout', { rate: 0.3 }, tf.tensor2d(Int32Array.from({ length: 16 * 20 }, (_, p) => 2 + (p % 50)), [16, 20], 'int32')],
    ];
    for (const [key, options, x] of cases) {
      const values = (seed: number, epoch: number, batch: number) => Array.from(run(augmenter(key, options, seed), x, epoch, batch).values);
      const base = values(1, 1, 0);
      assert.deepEqual(values(1, 1, 0), base, `${key}: same seed, epoch and batch`);
      assert.notDeepEqual(values(2, 1, 0), base, `${key}: another seed`);
      assert.notDeepEqual(values(1, 2, 0), base, `${key}: another epoch`);
      assert.notDeepEqual(values(1, 1, 1), base, `${key}: another batch`);
    }
  });

  it('validates options through each schema, and lists the augmenters on a miss', () => {
    assert.throws(() => registry.get('image/flip').optionsSchema.parse({ mode: 'diagonal' }));
    assert.throws(() => registry.get('image/shift').optionsSchema.parse({ share: 0.8 }));
    assert.throws(() => registry.get('text/token-dropout').optionsSchema.parse({ rate: 1 }));
    assert.throws(
      () => registry.get('image/blur'),
      (e: DeeplineError) => /did you mean `image\/flip`/.test(e.message) && e.hint === 'valid augmenters: image/flip, image/shift, image/rotate, image/crop, image/noise, text/token-dropout',
    );
  });
});

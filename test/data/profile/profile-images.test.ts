import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import type { Dataset } from '../../../src/data/dataset.ts';
import { profileImages } from '../../../src/data/profile/profile-images.ts';
import { summariseImages } from '../../../src/data/profile/summarise-images.ts';

const close = (actual: number, expected: number, eps = 1e-9): void => assert.ok(Math.abs(actual - expected) <= eps, `${actual} ≠ ${expected}`);

/** Four 2x2 grey images: blank black, a stripe, the same stripe labelled otherwise, blank white. */
const grey: Dataset = {
  n: 4,
  featureShape: [2, 2, 1],
  x: Float32Array.from([0, 0, 0, 0, 0, 255, 0, 255, 0, 255, 0, 255, 255, 255, 255, 255]),
  y: Float32Array.from([0, 0, 1, 1]),
  target: { kind: 'class', name: 'label', classes: ['a', 'b'] },
};

describe('summariseImages', () => {
  const { profile, meanImages, pixelRange } = summariseImages(grey);

  it('computes pixel statistics and a histogram over whole-number pixel values', () => {
    assert.equal(profile.count, 4);
    assert.deepEqual([profile.height, profile.width, profile.channels], [2, 2, 1]);
    const [c] = profile.channelStats;
    close(c.mean, 127.5);
    close(c.std, 127.5);
    assert.equal(c.min, 0);
    assert.equal(c.max, 255);
    assert.equal(c.histogram.counts.length, 32);
    assert.equal(c.histogram.edges[1], 8);
    assert.equal(c.histogram.counts[0], 8);
    assert.equal(c.histogram.counts[31], 8);
    assert.deepEqual(pixelRange, { min: 0, max: 255 });
  });

  it('finds blank images, duplicates with conflicting labels, and class means', () => {
    assert.equal(profile.constantImages, 2);
    assert.deepEqual(profile.duplicates, { rows: 0, conflictingLabels: 1 });
    assert.deepEqual(profile.classMeanIntensity, [63.75, 191.25]);
    assert.deepEqual(Array.from(meanImages[0]), [0, 127.5, 0, 127.5]);
    assert.equal(profile.target.kind, 'class');
    if (profile.target.kind === 'class') assert.deepEqual(profile.target.classes.map((k) => k.count), [2, 2]);
  });

  it('keeps channels apart (channels last)', () => {
    const rgb: Dataset = { ...grey, n: 2, featureShape: [1, 2, 3], x: Float32Array.from([10, 20, 30, 30, 40, 50, 10, 20, 30, 30, 40, 50]), y: Float32Array.from([0, 1]) };
    const p = summariseImages(rgb).profile;
    assert.deepEqual(p.channelStats.map((c) => c.mean), [20, 30, 40]);
    for (const c of p.channelStats) close(c.std, 10);
    assert.deepEqual(p.duplicates, { rows: 0, conflictingLabels: 1 });
  });

  it('picks examples per class: the first ones, or a seeded random choice', () => {
    const many: Dataset = { ...grey, n: 40, x: new Float32Array(40 * 4).map((_, i) => i), y: Float32Array.from({ length: 40 }, (_, i) => i % 2) };
    const first = summariseImages(many, { samplesPerClass: 3 }).profile.samples;
    assert.deepEqual(first.map((s) => s.indices), [[0, 2, 4], [1, 3, 5]]);
    const a = summariseImages(many, { samplesPerClass: 3, seed: 1 }).profile.samples;
    const b = summariseImages(many, { samplesPerClass: 3, seed: 1 }).profile.samples;
    assert.deepEqual(a, b);
    for (const [g, s] of a.entries()) {
      assert.equal(new Set(s.indices).size, 3);
      for (const i of s.indices) assert.equal(i % 2, g);
    }
  });
});

describe('profileImages', () => {
  it('embeds a PNG strip per class: the mean image, then the examples', async () => {
    const profile = await profileImages(grey);
    assert.equal(profile.samples.length, 2);
    const png = profile.samples[0].png!;
    assert.match(png, /^data:image\/png;base64,/);
    const image = sharp(Buffer.from(png.slice(png.indexOf(',') + 1), 'base64'));
    const meta = await image.metadata();
    // 2x2 images enlarged 32 times: three 64-pixel cells with 2-pixel gaps.
    assert.deepEqual([meta.width, meta.height], [3 * 64 + 2 * 2, 64]);
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number): number => data[(y * info.width + x) * info.channels];
    // Example 2 of class a (the stripe, third cell) is black on the left and white on the right.
    assert.equal(at(2 * 66 + 10, 10), 0);
    assert.equal(at(2 * 66 + 40, 10), 255);
    // The mean image of class a is mid-grey on the right.
    assert.ok(Math.abs(at(40, 10) - 128) <= 1);
  });
});

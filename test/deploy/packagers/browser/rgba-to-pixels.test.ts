import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { rgbaToPixels } from '../../../../src/deploy/packagers/browser/rgba-to-pixels.ts';
import { createSeededRandom } from '../../../../src/seed/seeded-random.ts';

describe('rgbaToPixels (the browser bundle reading a canvas)', () => {
  it('makes grey as sharp makes it from the same colours (within one level), and keeps grey exact', async () => {
    const random = createSeededRandom(11);
    const n = 256;
    const rgb = Uint8Array.from({ length: n * 3 }, () => Math.floor(random.next() * 256));
    // The last 16 pixels are already grey: they must come back exactly.
    for (let i = n - 16; i < n; i++) rgb.fill(rgb[3 * i]!, 3 * i, 3 * i + 3);
    const rgba = new Uint8ClampedArray(n * 4);
    for (let i = 0; i < n; i++) rgba.set([rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!, 255], 4 * i);
    const ours = rgbaToPixels(rgba, { width: 16, height: 16, channels: 1, scale: 255 });
    const theirs = await sharp(Buffer.from(rgb), { raw: { width: 16, height: 16, channels: 3 } }).toColourspace('b-w').raw().toBuffer();
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(ours[i]! - theirs[i]!));
    assert.ok(worst <= 1, `differs from sharp by up to ${worst} levels`);
    for (let i = n - 16; i < n; i++) assert.equal(ours[i], rgb[3 * i]);
  });

  it('drops alpha, keeps RGB, and scales bytes to the training scale', () => {
    const rgba = Uint8ClampedArray.from([255, 0, 51, 0, 102, 204, 255, 255]);
    assert.deepEqual([...rgbaToPixels(rgba, { width: 2, height: 1, channels: 3, scale: 1 })].map((v) => Number(v.toFixed(4))), [1, 0, 0.2, 0.4, 0.8, 1]);
    assert.deepEqual([...rgbaToPixels(Uint8ClampedArray.from([255, 255, 255, 0]), { width: 1, height: 1, channels: 1, scale: 16 })], [16]);
    assert.throws(() => rgbaToPixels(new Uint8ClampedArray(8), { width: 3, height: 1, channels: 1, scale: 1 }), /expected 12 RGBA bytes/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activationQuantization, fromFloat16Bits, quantizeAffineUint8, quantizeSymmetricInt8, toFloat16Bits } from '../../src/compress/quantize/weight-quantization.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';

describe('weight quantization', () => {
  it('encodes float16 bits as IEEE 754 does', () => {
    assert.equal(toFloat16Bits(1), 0x3c00);
    assert.equal(toFloat16Bits(-2), 0xc000);
    assert.equal(toFloat16Bits(0.5), 0x3800);
    assert.equal(toFloat16Bits(65504), 0x7bff);
    assert.equal(toFloat16Bits(1e6), 0x7c00, 'overflow is Infinity');
    assert.equal(toFloat16Bits(2 ** -24), 0x0001, 'the smallest subnormal');
    assert.equal(toFloat16Bits(2 ** -26), 0x0000, 'below half the smallest subnormal is 0');
    // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1).
    assert.equal(toFloat16Bits(1 + 2 ** -11), 0x3c00);
    assert.equal(toFloat16Bits(1 + 3 * 2 ** -11), 0x3c02);
    assert.ok(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN))));
  });

  it('round-trips float16 within half a unit in the last place', () => {
    const rng = createSeededRandom(1);
    for (let i = 0; i < 2000; i++) {
      const v = (rng.next() - 0.5) * 2 ** (rng.int(30) - 15);
      const back = fromFloat16Bits(toFloat16Bits(v));
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(v))) - 10);
      assert.ok(Math.abs(back - v) <= Math.max(ulp / 2, 2 ** -25) + 1e-12, `${v} → ${back}`);
    }
  });

  it('maps 0 to exactly 0 in affine uint8 and bounds the error by half a step', () => {
    const values = Float32Array.from([-0.7, -0.2, 0, 0, 0.31, 1.3]);
    const q = quantizeAffineUint8(values);
    const decoded = Array.from(q.values, (v) => v * q.scale + q.min);
    assert.equal(decoded[2], 0);
    assert.equal(decoded[3], 0);
    decoded.forEach((d, i) => assert.ok(Math.abs(d - values[i]!) <= q.scale / 2 + 1e-7, `${values[i]} → ${d}`));
    assert.deepEqual(quantizeAffineUint8(new Float32Array(3)), { values: new Uint8Array(3), scale: 1, min: 0 });
  });

  it('scales int8 per output channel by its largest magnitude', () => {
    // [2 inputs, 3 outputs]: channel (axis 1) 0 = [1, -0.25], 1 = [0, 0], 2 = [0.02, 0.005].
    const q = quantizeSymmetricInt8(Float32Array.from([1, 0, 0.02, -0.25, 0, 0.005]), [2, 3], 1);
    assert.deepEqual(Array.from(q.scales), [1 / 127, 1, 0.02 / 127].map(Math.fround));
    assert.deepEqual(Array.from(q.values), [127, 0, 127, -32, 0, 32]);
  });

  it('puts zero exactly on an activation code', () => {
    const { scale, zeroPoint } = activationQuantization(-1, 3);
    assert.equal(zeroPoint, Math.round(1 / scale));
    assert.ok(Math.abs(scale - 4 / 255) < 1e-12);
    assert.deepEqual(activationQuantization(0.5, 2).zeroPoint, 0, 'a range above 0 is widened to include it');
  });
});

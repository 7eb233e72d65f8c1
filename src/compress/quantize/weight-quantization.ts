/**
 * The arithmetic of weight quantization, on typed arrays: IEEE half precision, TF.js's affine
 * uint8 (`value = q · scale + min`), and symmetric int8 per output channel (ONNX QDQ). Every
 * scheme maps 0 to 0 exactly, so pruned weights stay zero after quantization.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The IEEE 754 half-precision bits of `value`, rounded to nearest even (overflow → ±Infinity). */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // A half subnormal m·2^-24: the mantissa, implicit bit included, shifted into place.
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa rounds up into the exponent, as it should.
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}

/** The value of half-precision bits. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export function encodeFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toFloat16Bits(values[i]!);
  return out;
}

/** TF.js's affine uint8 encoding of one tensor: `value ≈ q · scale + min`. */
export interface AffineUint8 {
  readonly values: Uint8Array;
  readonly scale: number;
  readonly min: number;
}

/**
 * Per-tensor affine uint8 over [min(0, lo), max(0, hi)], with `min` nudged to a whole number of
 * steps below zero (as TF.js's converter does), so that 0 is a code and decodes to exactly 0.
 */
export function quantizeAffineUint8(values: Float32Array): AffineUint8 {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === lo) return { values: new Uint8Array(values.length), scale: 1, min: 0 };
  const scale = (hi - lo) / 255;
  const zero = Math.round(-lo / scale);
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(values[i]! / scale) + zero));
  return { values: out, scale, min: -zero * scale };
}

/** Symmetric int8 per channel: `value ≈ q · scales[channel]`, q in [-limit, limit] (limit ≤ 127), zero point 0. */
export interface SymmetricInt8 {
  readonly values: Int8Array;
  readonly scales: Float32Array;
}

/**
 * Quantizes a row-major tensor of `shape` per index of `axis` (the output channel): each
 * channel's scale is its largest magnitude over `limit` (127: all of int8; 63: 7 bits, see
 * ONNX_WEIGHT_LIMIT); an all-zero channel gets scale 1.
 */
export function quantizeSymmetricInt8(values: Float32Array, shape: readonly number[], axis: number, limit = 127): SymmetricInt8 {
  const channels = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number): number => Math.floor(i / inner) % channels;
  const largest = new Float32Array(channels);
  for (let i = 0; i < values.length; i++) largest[channelOf(i)] = Math.max(largest[channelOf(i)]!, Math.abs(values[i]!));
  const scales = largest.map((m) => (m > 0 ? m / limit : 1));
  const out = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.min(limit, Math.max(-limit, Math.round(values[i]! / scales[channelOf(i)]!)));
  return { values: out, scales };
}

/**
 * The largest int8 code of a weight that a quantized Conv or MatMul multiplies in ONNX Runtime:
 * 7 bits, as ORT's own quantizer does with `reduce_range`. On x86 without VNNI (AVX2, and
 * AVX-512 before VNNI) ORT's uint8 × int8 kernels add pairs of products in 16 bits, which
 * saturate for full-range weights (2 · 255 · 127 > 32767): on an AVX2 machine the digits test
 * model's int8 predictions then disagreed with the float ones on 3 of 64 examples, none with 7 bits.
 */
export const ONNX_WEIGHT_LIMIT = 63;

/** An activation's uint8 encoding from its calibrated range: `value ≈ (q − zeroPoint) · scale`. */
export interface ActivationQuantization {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** Asymmetric uint8 over [min(0, lo), max(0, hi)] (0 exactly representable, as ReLU outputs need). */
export function activationQuantization(lo: number, hi: number): ActivationQuantization {
  const low = Math.min(0, lo);
  const high = Math.max(0, hi);
  if (!(high > low)) return { scale: 1, zeroPoint: 0 };
  const scale = (high - low) / 255;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-low / scale))) };
}

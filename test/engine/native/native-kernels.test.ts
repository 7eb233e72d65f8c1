import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { unsortedSegmentSumConfig } from '../../../src/engine/native/kernels/unsorted-segment-sum.ts';
import { createSeededRandom, type SeededRandom } from '../../../src/seed/seeded-random.ts';
import { assertClose } from '../assert-close.ts';
import { randomValues } from '../random-values.ts';
import { runKernel, type KernelInput } from '../run-kernel.ts';
import { skipWithoutNative } from './native-available.ts';

const size = tf.util.sizeFromShape;

async function compare(kernel: string, inputs: Record<string, KernelInput>, attrs: object, label: string): Promise<void> {
  const expected = await runKernel('cpu', kernel, inputs, attrs);
  const actual = await runKernel('native', kernel, inputs, attrs);
  assertClose(actual.shape, expected.shape, 0, `${label} shape`);
  assertClose(actual.values, expected.values, 1e-4, label);
}

const between = (random: SeededRandom, lo: number, hi: number): number => lo + random.int(hi - lo + 1);
const input = (random: SeededRandom, shape: number[]): KernelInput => ({ values: randomValues(random, size(shape)), shape });

test('BatchMatMul and _FusedMatMul match cpu on random shapes, transposes, batches and activations', { skip: skipWithoutNative }, async () => {
  const random = createSeededRandom(601);
  for (let i = 0; i < 40; i++) {
    const [m, k, n] = [between(random, 1, 40), between(random, 1, 40), between(random, 1, 40)];
    const transposeA = random.next() < 0.5;
    const transposeB = random.next() < 0.5;
    const batch = between(random, 1, 3);
    // Both batched, one side broadcast, or plain 2-D.
    const form = random.int(3);
    const batchA = form === 2 ? [] : [batch];
    const batchB = form === 0 ? [batch] : form === 1 ? [1] : [];
    const a = input(random, [...batchA, ...(transposeA ? [k, m] : [m, k])]);
    const b = input(random, [...batchB, ...(transposeB ? [n, k] : [k, n])]);
    const label = `matmul ${i}: a ${a.shape} b ${b.shape} tA ${transposeA} tB ${transposeB}`;
    await compare('BatchMatMul', { a, b }, { transposeA, transposeB }, label);
    const activation = (['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu'] as const)[i % 6];
    const bias = input(random, [n]);
    await compare('_FusedMatMul', { a, b, bias }, { transposeA, transposeB, activation, leakyreluAlpha: 0.1 }, `fused ${activation} ${label}`);
  }
  const ints = (shape: number[]): KernelInput => ({ values: Int32Array.from(randomValues(random, size(shape), 4)), shape, dtype: 'int32' });
  await compare('BatchMatMul', { a: ints([3, 4]), b: ints([4, 5]) }, { transposeA: false, transposeB: false }, 'int32 falls back to cpu');
});

test('max and average pooling and their gradients match cpu on random windows, strides and paddings', { skip: skipWithoutNative }, async () => {
  const random = createSeededRandom(602);
  for (let i = 0; i < 40; i++) {
    const xShape = [between(random, 1, 3), between(random, 1, 12), between(random, 1, 12), between(random, 1, 6)];
    const filterSize = [between(random, 1, 4), between(random, 1, 4)];
    const strides = [between(random, 1, 3), between(random, 1, 3)];
    const pad = random.next() < 0.5 ? 'same' : 'valid';
    const info = tf.backend_util.computePool2DInfo(xShape as [number, number, number, number], filterSize as [number, number], strides as [number, number], 1, pad);
    if (info.outHeight <= 0 || info.outWidth <= 0) continue;
    // Small integers make ties common, where max pooling must pick the same cell as TF.
    const x = i % 2 === 0 ? input(random, xShape) : { values: randomValues(random, size(xShape), 2), shape: xShape };
    const attrs = { filterSize, strides, pad };
    const label = `pool ${i}: x ${xShape} ${JSON.stringify(attrs)}`;
    await compare('MaxPool', { x }, attrs, `max ${label}`);
    await compare('AvgPool', { x }, attrs, `avg ${label}`);
    const dy = input(random, info.outShape);
    const output = await runKernel('cpu', 'MaxPool', { x }, attrs);
    await compare('MaxPoolGrad', { dy, input: x, output: { values: output.values, shape: output.shape } }, attrs, `max grad ${label}`);
    const avgGrad = await runKernel('native', 'AvgPoolGrad', { dy, input: x }, attrs);
    assertClose(avgGrad.values, avgPoolGradReference(dy.values as Float32Array, info), 1e-4, `avg grad ${label}`);
    if (pad === 'valid') await compare('AvgPoolGrad', { dy, input: x }, attrs, `avg grad vs cpu ${label}`);
  }
  // Large enough that the addon splits the pooling across its threads.
  const x = input(random, [8, 28, 28, 16]);
  for (const attrs of [{ filterSize: [2, 2], strides: [2, 2], pad: 'valid' }, { filterSize: [3, 3], strides: [2, 2], pad: 'same' }]) {
    await compare('MaxPool', { x }, attrs, `max ${JSON.stringify(attrs)} on threads`);
    await compare('AvgPool', { x }, attrs, `avg ${JSON.stringify(attrs)} on threads`);
  }
});

/**
 * The gradient of TF's average pooling, which averages over the window's cells inside the image.
 * tfjs's cpu AvgPoolGrad divides by the whole window instead, wrong at padded borders (its own
 * forward pass excludes the padding), so it is the reference only for 'valid' padding.
 */
function avgPoolGradReference(dy: Float32Array, info: tf.backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const dx = new Float32Array(batchSize * inHeight * inWidth * c);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const y0 = oy * strideHeight - info.padInfo.top;
        const x0 = ox * strideWidth - info.padInfo.left;
        const ys = [...Array(filterHeight).keys()].map((r) => y0 + r).filter((y) => y >= 0 && y < inHeight);
        const xs = [...Array(filterWidth).keys()].map((q) => x0 + q).filter((x) => x >= 0 && x < inWidth);
        for (let d = 0; d < c; d++) {
          const g = dy[((b * outHeight + oy) * outWidth + ox) * c + d] / (ys.length * xs.length);
          for (const y of ys) for (const x of xs) dx[((b * inHeight + y) * inWidth + x) * c + d] += g;
        }
      }
    }
  }
  return dx;
}

test('FusedBatchNorm matches cpu with and without scale and offset', { skip: skipWithoutNative }, async () => {
  const random = createSeededRandom(603);
  for (let i = 0; i < 12; i++) {
    const shape = [between(random, 1, 4), between(random, 1, 6), between(random, 1, 6), between(random, 1, 8)];
    const c = shape[3];
    const variance = { values: randomValues(random, c).map((v) => v + 1.5), shape: [c] };
    const inputs: Record<string, KernelInput> = { x: input(random, shape), mean: input(random, [c]), variance };
    if (i % 2 === 0) inputs.scale = input(random, [c]);
    if (i % 3 === 0) inputs.offset = input(random, [c]);
    await compare('FusedBatchNorm', inputs, { varianceEpsilon: 0.001 }, `batch norm ${i}: x ${shape}`);
  }
});

test('element-wise and sum kernels match cpu, broadcasting included, and other dtypes fall back', { skip: skipWithoutNative }, async () => {
  const random = createSeededRandom(604);
  const shape = [3, 5, 7];
  const positive = { values: randomValues(random, size(shape)).map((v) => v + 1.5), shape };
  for (const kernel of ['Relu', 'Neg', 'Square', 'Exp']) await compare(kernel, { x: input(random, shape) }, {}, kernel);
  for (const kernel of ['Sqrt', 'Log', 'Reciprocal']) await compare(kernel, { x: positive }, {}, kernel);
  await compare('Step', { x: input(random, shape) }, { alpha: 0.25 }, 'Step');
  for (const kernel of ['Add', 'Sub', 'Multiply', 'RealDiv', 'Maximum', 'Minimum', 'SquaredDifference']) {
    for (const other of [shape, [7], [5, 7], [1, 1, 7], [], [1], [3, 1, 7]]) {
      const b = kernel === 'RealDiv' ? { values: randomValues(random, size(other)).map((v) => v + 2), shape: other } : input(random, other);
      await compare(kernel, { a: input(random, shape), b }, {}, `${kernel} ${shape} with ${other}`);
      await compare(kernel, { a: b, b: input(random, shape) }, {}, `${kernel} ${other} with ${shape}`);
    }
  }
  const ints = { values: Int32Array.of(1, -2, 3, 4), shape: [4], dtype: 'int32' as const };
  await compare('Add', { a: ints, b: ints }, {}, 'int32 add');
  await compare('Relu', { x: ints }, {}, 'int32 relu');
  for (const axis of [[0], [0, 1], [2], [1, 2], [0, 1, 2], [1], [0, 2], -1]) {
    for (const keepDims of [false, true]) {
      await compare('Sum', { x: input(random, [4, 6, 9]) }, { axis, keepDims }, `sum ${axis} ${keepDims}`);
      await compare('Mean', { x: input(random, [4, 6, 9]) }, { axis, keepDims }, `mean ${axis} ${keepDims}`);
    }
  }
  await compare('Mean', { x: ints }, { axis: 0, keepDims: false }, 'int32 mean');
  await compare('Sum', { x: ints }, { axis: 0, keepDims: false }, 'int32 sum');
  for (const logitsShape of [[10], [64, 10], [3, 4, 7]]) {
    const logits = { values: randomValues(random, size(logitsShape)).map((v) => v * 30), shape: logitsShape };
    await compare('Softmax', { logits }, { dim: -1 }, `softmax ${logitsShape}`);
  }
});

test('binary kernels match cpu on random broadcasts on both sides, and reductions on random axes', { skip: skipWithoutNative }, async () => {
  const random = createSeededRandom(606);
  for (let i = 0; i < 60; i++) {
    const rank = between(random, 1, 5);
    const full = Array.from({ length: rank }, () => between(random, 1, 5));
    // Each operand keeps or drops (size 1) each dim independently; b may also have fewer dims.
    const a = full.map((d) => (random.next() < 0.4 ? 1 : d));
    const b = full.map((d) => (random.next() < 0.4 ? 1 : d)).slice(random.int(rank));
    const kernel = (['Add', 'Sub', 'Multiply', 'Maximum', 'SquaredDifference'] as const)[i % 5];
    await compare(kernel, { a: input(random, a), b: input(random, b) }, {}, `${kernel} ${i}: ${a} with ${b}`);
    const axis = full.map((_, d) => d).filter(() => random.next() < 0.5);
    const keepDims = random.next() < 0.5;
    const reduction = (['Sum', 'Mean', 'Max', 'Min'] as const)[i % 4];
    const attrs = reduction === 'Max' ? { reductionIndices: axis, keepDims } : { axis, keepDims };
    await compare(reduction, { x: input(random, full) }, attrs, `${reduction} ${i}: ${full} over ${axis}`);
  }
});

test('a large tensor is computed across threads with the same values', { skip: skipWithoutNative }, async () => {
  const random = createSeededRandom(605);
  const shape = [64, 32, 32, 8];
  await compare('Multiply', { a: input(random, shape), b: input(random, [8]) }, {}, 'large multiply');
  await compare('Sum', { x: input(random, shape) }, { axis: [0, 1, 2], keepDims: false }, 'large bias gradient');
  await compare('Mean', { x: input(random, shape) }, { axis: [0, 1, 2], keepDims: true }, 'batch-norm moments');
  await compare('Mean', { x: input(random, shape) }, { axis: [1, 2], keepDims: false }, 'global average pooling');
  await compare('Multiply', { a: input(random, [64, 1, 1, 8]), b: input(random, shape) }, {}, 'global pooling gradient');
});

test('UnsortedSegmentSum (the embedding gradient) matches cpu, repeated and out-of-range ids included, in one pass', { skip: skipWithoutNative }, async () => {
  const random = createSeededRandom(607);
  for (let i = 0; i < 20; i++) {
    const numSegments = between(random, 1, 30);
    // One id per row of x, as gather's gradient sends them (the cpu kernel takes no other form).
    const idShape = [between(random, 1, 12)];
    const rowShape = i % 2 === 0 ? [between(random, 1, 6)] : [between(random, 1, 3), between(random, 1, 3)];
    // Ids from -2 to numSegments + 1: repeats are common, and a few fall outside and are dropped.
    const ids = Int32Array.from({ length: size(idShape) }, () => between(random, -2, numSegments + 1));
    const x = input(random, [...idShape, ...rowShape]);
    await compare('UnsortedSegmentSum', { x, segmentIds: { values: ids, shape: idShape, dtype: 'int32' } }, { numSegments }, `segment sum ${i}: ids ${idShape} rows ${rowShape} into ${numSegments}`);
  }
  // The native backend runs its own kernel, not the cpu one it inherits (a mask, a product and a
  // sum per segment: 1.8 s per training batch of a 3,000-word embedding).
  assert.equal(tf.getKernel('UnsortedSegmentSum', 'native')?.kernelFunc, unsortedSegmentSumConfig.kernelFunc);
  const vocab = 20_000;
  const ids = Int32Array.from({ length: 16 * 12 }, () => random.int(vocab));
  const x = input(random, [16 * 12, 32]);
  const out = await runKernel('native', 'UnsortedSegmentSum', { x, segmentIds: { values: ids, shape: [ids.length], dtype: 'int32' } }, { numSegments: vocab });
  assertClose(out.shape, [vocab, 32], 0, 'vocabulary-sized shape');
  let total = 0;
  for (const v of out.values) total += v;
  let expected = 0;
  for (const v of x.values) expected += v;
  assertClose([total], [expected], 1e-2, 'every row added once');
});

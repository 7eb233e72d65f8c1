import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stratifiedSample } from '../../src/data/stratified-sample.ts';

/** Labels 0..2 in shares 60% / 30% / 10%, shuffled by position. */
function labels(n: number): { n: number; y: Float32Array } {
  const y = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 10 < 6 ? 0 : (i * 7919) % 10 < 9 ? 1 : 2));
  return { n, y };
}

test('a stratified sample has exactly m distinct examples and each class its share (±1)', () => {
  const data = labels(10_000);
  for (const m of [10, 333, 2_500, 9_999]) {
    const picked = stratifiedSample(data, m, 7);
    assert.equal(picked.length, m);
    assert.equal(new Set(picked).size, m, 'no example twice');
    assert.ok(picked.every((i, k) => i >= 0 && i < data.n && (k === 0 || i > picked[k - 1]!)), 'ascending indices of the data');
    const counts = [0, 0, 0];
    for (const i of picked) counts[data.y[i]!]! += 1;
    [0.6, 0.3, 0.1].forEach((share, c) => assert.ok(Math.abs(counts[c]! - share * m) <= 1, `m=${m} class ${c}: ${counts[c]} of ${m}`));
  }
});

test('the same seed gives the same sample, another seed another; m ≥ n gives every example', () => {
  const data = labels(1_000);
  assert.deepEqual(stratifiedSample(data, 100, 1), stratifiedSample(data, 100, 1));
  assert.notDeepEqual(stratifiedSample(data, 100, 1), stratifiedSample(data, 100, 2));
  assert.deepEqual(Array.from(stratifiedSample(data, 5_000, 1)), Array.from({ length: 1_000 }, (_, i) => i));
});

test('a numeric target keeps its range in the sample', () => {
  const y = Float32Array.from({ length: 5_000 }, (_, i) => (i * 37) % 5_000);
  const picked = stratifiedSample({ n: y.length, y }, 50, 3);
  const values = Array.from(picked, (i) => y[i]!).sort((a, b) => a - b);
  assert.ok(values[0]! < 100 && values.at(-1)! > 4_900, `sample spans ${values[0]}..${values.at(-1)}`);
});

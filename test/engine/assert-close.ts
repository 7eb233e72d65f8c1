import assert from 'node:assert/strict';

/**
 * Asserts |actual − expected| ≤ tolerance · (1 + |expected|) element by element: absolute near
 * zero, relative for the large sums a convolution gradient produces.
 */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  label: string,
): void {
  assert.equal(actual.length, expected.length, `${label}: ${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= tolerance * (1 + Math.abs(expected[i])))) {
      assert.fail(`${label}: value ${i} is ${actual[i]}, expected ${expected[i]} (error ${error.toExponential(2)})`);
    }
  }
}

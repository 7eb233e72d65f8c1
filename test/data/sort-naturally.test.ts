import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sortNaturally } from '../../src/data/sort-naturally.ts';

describe('sortNaturally', () => {
  it('orders all-numeric names by value', () => {
    assert.deepEqual(sortNaturally(['10', '9', '-1', '0.5', '2']), ['-1', '0.5', '2', '9', '10']);
  });

  it('orders digit runs inside names as numbers, case-insensitively, leading zeros included', () => {
    assert.deepEqual(sortNaturally(['img10.png', 'img2.png', 'Img1.png', 'img010b', 'cat']), ['cat', 'Img1.png', 'img2.png', 'img10.png', 'img010b']);
    // Equal ignoring case: code-unit order breaks the tie, so the result never depends on input order.
    assert.deepEqual(sortNaturally(['b', 'a', 'B']), ['a', 'B', 'b']);
    assert.deepEqual(sortNaturally(['B', 'b', 'a']), ['a', 'B', 'b']);
  });

  it('handles digit runs longer than a double holds', () => {
    assert.deepEqual(sortNaturally(['x100000000000000000001', 'x100000000000000000000']), ['x100000000000000000000', 'x100000000000000000001']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferColumnType } from '../../../src/data/readers/infer-column-type.ts';

const repeat = (values: string[], times: number): string[] => Array.from({ length: times }, () => values).flat();

describe('inferColumnType', () => {
  it('has no type without values', () => {
    assert.equal(inferColumnType([]), undefined);
  });

  it('numbers, including thousands separators and infinities, are numeric', () => {
    assert.equal(inferColumnType(['1', '2.5', '-3e2', '4']), 'numeric');
    assert.equal(inferColumnType(['1,234', '12', 'Infinity']), 'numeric');
  });

  it('a 0/1 column is numeric; with a yes/no/true/false word it is boolean', () => {
    assert.equal(inferColumnType(repeat(['0', '1'], 50)), 'numeric');
    assert.equal(inferColumnType(['0', '1', 'yes']), 'boolean');
    assert.equal(inferColumnType(['True', 'false', 'FALSE']), 'boolean');
    assert.equal(inferColumnType(['yes', 'no', 'maybe']), 'categorical');
  });

  it('ISO dates are dates; ambiguous day/month orders are categories', () => {
    assert.equal(inferColumnType(['2021-01-01', '2021-06-30T12:00:00Z']), 'date');
    assert.equal(inferColumnType(['01/02/2021', '03/04/2021']), 'categorical');
  });

  it('a leading zero makes digits a code, not a number', () => {
    assert.equal(inferColumnType(['02134', '10001', '94103']), 'categorical');
  });

  it('tolerates rare missing markers (≤ 1%, ≤ 3 spellings) but not more', () => {
    const numbers = Array.from({ length: 300 }, (_, i) => String(i));
    assert.equal(inferColumnType([...numbers, 'unknown', 'unknown', '-']), 'numeric');
    assert.equal(inferColumnType([...numbers, 'a', 'b', 'c', 'd']), 'categorical', 'four spellings');
    assert.equal(inferColumnType([...numbers.slice(0, 50), 'unknown']), 'categorical', '2% is not rare');
  });

  it('free text: mostly distinct, several words or long; otherwise categorical', () => {
    const sentences = Array.from({ length: 20 }, (_, i) => `this product broke after ${i} days of use`);
    assert.equal(inferColumnType(sentences), 'text');
    assert.equal(inferColumnType(Array.from({ length: 20 }, (_, i) => `a-long-identifier-without-any-spaces-${i}`)), 'text');
    assert.equal(inferColumnType(repeat(['New York', 'San Francisco', 'Los Angeles'], 10)), 'categorical');
    assert.equal(inferColumnType(repeat(['the same long sentence repeated many times over'], 20)), 'categorical', 'not distinct');
    assert.equal(inferColumnType(Array.from({ length: 20 }, (_, i) => `user${i}`)), 'categorical', 'distinct but short single words');
  });

  it('numbers with one runaway field are not free text, however long the field', () => {
    const numbers = Array.from({ length: 30 }, (_, i) => String(i * 1.5));
    numbers[4] = 'x'.repeat(100_000);
    assert.equal(inferColumnType(numbers), 'categorical');
    // Half numbers or more is the line: free text with a few numbers in it stays text.
    const sentences = Array.from({ length: 30 }, (_, i) => (i % 4 === 0 ? String(i) : `this product broke after ${i} days of use`));
    assert.equal(inferColumnType(sentences), 'text');
  });
});

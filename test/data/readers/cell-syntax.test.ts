import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellSyntax } from '../../../src/data/readers/cell-syntax.ts';

describe('cellSyntax', () => {
  it('reads the usual missing-value spellings in any case, and nothing else', () => {
    for (const raw of ['', 'NA', 'na', 'N/A', 'n/a', 'null', 'NULL', 'NaN', 'nan', '?']) assert.equal(cellSyntax.isMissing(raw), true, raw);
    for (const raw of ['0', 'None', '-', 'NAN!', 'n.a.', 'NaNa', ' ']) assert.equal(cellSyntax.isMissing(raw), false, raw);
  });

  it('parses plain numbers and refuses what Number() would accept wrongly', () => {
    assert.deepEqual(cellSyntax.number('-1.5e3'), { value: -1500, style: 'plain' });
    assert.deepEqual(cellSyntax.number('.5'), { value: 0.5, style: 'plain' });
    assert.deepEqual(cellSyntax.number('7.'), { value: 7, style: 'plain' });
    for (const raw of ['0x10', '1e', '1,5', '1.2.3', '--1', '', ' ', '12a', '1_000', '٣']) assert.equal(cellSyntax.number(raw), undefined, raw);
  });

  it('reads thousands separators (comma, space, no-break spaces) only in groups of three', () => {
    assert.deepEqual(cellSyntax.number('1,234.5'), { value: 1234.5, style: 'grouped' });
    assert.deepEqual(cellSyntax.number('-12,345,678'), { value: -12345678, style: 'grouped' });
    assert.deepEqual(cellSyntax.number('1 234'), { value: 1234, style: 'grouped' });
    assert.deepEqual(cellSyntax.number('1\u00a0234\u202f567'), { value: 1234567, style: 'grouped' });
    for (const raw of ['1,23', '1234,567', ',123', '1,234,56', '1 23']) assert.equal(cellSyntax.number(raw), undefined, raw);
  });

  it('reads infinities as infinite (the reader stores them as missing)', () => {
    for (const raw of ['Infinity', '-Infinity', '+inf', 'INF', '-inf']) assert.equal(cellSyntax.number(raw)?.style, 'infinite', raw);
    assert.equal(cellSyntax.number('infinit'), undefined);
  });

  it('reads booleans, marking the digits as not words', () => {
    assert.deepEqual(cellSyntax.boolean('Yes'), { value: 1, word: true });
    assert.deepEqual(cellSyntax.boolean('FALSE'), { value: 0, word: true });
    assert.deepEqual(cellSyntax.boolean('0'), { value: 0, word: false });
    for (const raw of ['y', 'n', 't', 'on', '2', 'yess', 'truely']) assert.equal(cellSyntax.boolean(raw), undefined, raw);
  });

  it('reads ISO dates and date-times as UTC milliseconds, checking the calendar', () => {
    assert.equal(cellSyntax.date('2024-02-29'), Date.UTC(2024, 1, 29));
    assert.equal(cellSyntax.date('2021/12/31'), Date.UTC(2021, 11, 31));
    assert.equal(cellSyntax.date('2021-03-04T05:06:07.891Z'), Date.UTC(2021, 2, 4, 5, 6, 7, 891));
    assert.equal(cellSyntax.date('2021-03-04 05:06'), Date.UTC(2021, 2, 4, 5, 6));
    // 10:00 at +02:00 is 08:00 UTC; -0530 is 5.5 hours behind.
    assert.equal(cellSyntax.date('2021-03-04T10:00:00+02:00'), Date.UTC(2021, 2, 4, 8));
    assert.equal(cellSyntax.date('2021-03-04T10:00-0530'), Date.UTC(2021, 2, 4, 15, 30));
    for (const raw of ['2023-02-29', '1900-02-29', '2021-13-01', '2021-04-31', '2021-03-04T24:00', '2021-3-4', '03/04/2021', '2021-03-04T', '20210304', '2021-03/04']) {
      assert.equal(cellSyntax.date(raw), undefined, raw);
    }
    assert.equal(cellSyntax.date('2000-02-29'), Date.UTC(2000, 1, 29));
  });

  it('tells codes with a leading zero from numbers', () => {
    for (const raw of ['007', '02134', '-01']) assert.equal(cellSyntax.hasLeadingZero(raw), true, raw);
    for (const raw of ['0', '0.5', '10', '0e1']) assert.equal(cellSyntax.hasLeadingZero(raw), false, raw);
  });
});

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { detectHeaderLine } from '../../../src/data/readers/detect-header-line.ts';
import { readHeadRecords, type HeadRecord } from '../../../src/data/readers/read-head-records.ts';
import { withTempDir } from '../fixtures/temp-dir.ts';

/** One record per line, split at commas (no quoting in these tables). */
function records(lines: readonly string[]): HeadRecord[] {
  return lines.map((text, i) => ({ cells: text.split(','), line: i + 1 }));
}

/** `n` rows of the Boston-like table under its header: three numbers and a price. */
function rows(n: number, width = 4): string[] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: width }, (_, c) => ((i + 1) * (c + 2) * 0.37).toFixed(2)).join(','));
}

const HEADER = 'CRIM,ZN,INDUS,MEDV';

describe('detectHeaderLine', () => {
  it('finds the header under a line of counts padded with empty fields, as in the Boston housing CSV', () => {
    const guess = detectHeaderLine(records(['506,13,,', HEADER, ...rows(20)]));
    assert.deepEqual(guess && { line: guess.line, skipped: guess.skipped }, { line: 2, skipped: [1] });
    assert.equal(guess?.reason, 'line 1 has only 2 non-empty fields ("506", "13") where the rows below have 4');
    assert.equal(guess?.note, `${guess?.reason}: the header was read from line 2, skipping line 1`);
  });

  it('finds it under a shorter line of counts, and under a title', () => {
    assert.equal(detectHeaderLine(records(['506,13', HEADER, ...rows(20)]))?.line, 2);
    const titled = detectHeaderLine(records(['Boston housing data', HEADER, ...rows(20)]));
    assert.equal(titled?.line, 2);
    assert.equal(titled?.reason, 'line 1 has 1 field ("Boston housing data") where the rows below have 4');
  });

  it('skips a preamble of several lines, naming each', () => {
    const guess = detectHeaderLine(records(['Housing values in suburbs of Boston', 'source: StatLib,,,', ',,,', HEADER, ...rows(10)]));
    assert.deepEqual(guess && [guess.line, guess.skipped], [4, [1, 2, 3]]);
    assert.match(guess!.note, /skipping lines 1-3$/);
  });

  it('finds it under a complete line of numbers above the names', () => {
    const guess = detectHeaderLine(records(['506,13,0,0', HEADER, ...rows(10)]));
    assert.equal(guess?.line, 2);
    assert.equal(guess?.reason, 'line 1 holds only numbers ("506", "13", "0", …), not column names');
  });

  it('uses the target: the line holding it is the header, and a first line holding it ends the search', () => {
    // Names that are numbers would not pass as names on their own; the target vouches for them.
    const years = detectHeaderLine(records(['population by year,,,', '2019,2020,2021,region', ...rows(5, 3).map((r) => `${r},north`)]), 'region');
    assert.equal(years?.line, 2);
    assert.equal(detectHeaderLine(records(['2019,2020,2021,region', ...rows(5, 3).map((r) => `${r},north`)]), 'region'), undefined);
  });

  it('leaves a normal file alone', () => {
    assert.equal(detectHeaderLine(records([HEADER, ...rows(20)])), undefined);
    assert.equal(detectHeaderLine(records([HEADER, ...rows(20)]), 'MEDV'), undefined);
    // An empty first row of data is not a preamble: the header is still line 1.
    assert.equal(detectHeaderLine(records([HEADER, '1,,3,4', ...rows(20)])), undefined);
  });

  it('never reads header-less numbers from another line', () => {
    assert.equal(detectHeaderLine(records(rows(30))), undefined);
    // Even when the first row has a gap, as a preamble line would.
    assert.equal(detectHeaderLine(records(['1.5,,2.5,7', ...rows(30)])), undefined);
    assert.equal(detectHeaderLine(records(['1.5,2.5', ...rows(30)])), undefined);
  });

  it('does not take a row of labels for names: its values recur below', () => {
    const texts = Array.from({ length: 12 }, (_, i) => `message number ${i},${i % 2 ? 'spam' : 'ham'}`);
    assert.equal(detectHeaderLine(records([',ham', ...texts])), undefined);
    // With real names under a title, the same table is found.
    assert.equal(detectHeaderLine(records(['SMS collection', 'text,label', ...texts]))?.line, 2);
  });

  it('needs rows under the header and a short preamble', () => {
    assert.equal(detectHeaderLine(records(['506,13,,', HEADER])), undefined);
    const long = Array.from({ length: 12 }, (_, i) => `note ${i}`);
    assert.equal(detectHeaderLine(records([...long, HEADER, ...rows(10)])), undefined);
  });

  it('reads the lines of a file as written: blank lines count, quoted line breaks stay in their field', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'boston.csv');
      await writeFile(path, `"Boston\nhousing",,,\n\n${HEADER}\r\n${rows(5).join('\n')}\n`);
      const head = await readHeadRecords(path, ',', 50);
      assert.deepEqual(head.slice(0, 2), [
        { cells: ['Boston\nhousing', '', '', ''], line: 1 },
        { cells: HEADER.split(','), line: 4 },
      ]);
      assert.equal(head.length, 7);
      assert.deepEqual(detectHeaderLine(head)?.line, 4);
      assert.equal((await readHeadRecords(path, ',', 3)).length, 3);
    });
  });
});

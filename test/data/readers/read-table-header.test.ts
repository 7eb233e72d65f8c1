import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readTable, type ReadTableResult, type TableSource } from '../../../src/data/readers/read-table.ts';
import { expectDeeplineError } from '../fixtures/expect-deepline-error.ts';
import { withTempDir } from '../fixtures/temp-dir.ts';

/** Writes `text` into a temp folder as `name` and hands `check` its path. */
async function withFile(name: string, text: string | Buffer, check: (path: string) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const path = join(dir, name);
    await writeFile(path, text);
    await check(path);
  });
}

const read = (path: string, extra: Partial<TableSource> = {}): Promise<ReadTableResult> => readTable({ path, format: 'csv', target: 'MEDV', ...extra });

/** The Boston housing shape: a line of counts above the header, then rows of numbers. */
const ROWS = Array.from({ length: 30 }, (_, i) => `${(i * 0.37).toFixed(2)},${i % 5},${(i * 1.5 + 3).toFixed(1)}`);
const BOSTON = `30,2,\nCRIM,ZN,MEDV\n${ROWS.join('\n')}\n`;

describe('readTable with the header below line 1', () => {
  it('reads from data.header: columns from that line, rows numbered from it', () =>
    withFile('boston.csv', BOSTON, async (path) => {
      const { table, warnings } = await read(path, { header: 2 });
      assert.deepEqual(warnings, []);
      assert.deepEqual(table.columns.map((c) => c.name), ['CRIM', 'ZN', 'MEDV']);
      assert.equal(table.n, 30);
      const medv = table.columns[2];
      assert.deepEqual(medv.type === 'numeric' && [medv.values[0], medv.values[29]], [3, 46.5]);
      assert.deepEqual([table.sourceRows[0], table.sourceRows[29]], [1, 30]);
    }));

  it('without data.header, the header check names the line the header seems to be on', () =>
    withFile('boston.csv', BOSTON, async (path) => {
      // Line 1, read as the header, has an empty name: that is the first thing wrong with it.
      const e = await expectDeeplineError(read(path), 'DL_DATA_FORMAT', /line 1 \(header\): column 3 has no name; the header seems to be on line 2: set data\.header: 2$/);
      assert.match(e.hint ?? '', /^line 1 has only 2 non-empty fields \("30", "2"\) where the rows below have 3; data\.header: 2 reads the table from that line/);
      assert.equal(e.location?.line, 1);
      // The same with data.header pointing at the wrong line.
      await expectDeeplineError(read(path, { header: 1 }), 'DL_DATA_FORMAT', /set data\.header: 2/);
    }));

  it('a shorter line of counts lacks the target: the error lists it and names the header line', () =>
    withFile('boston.csv', `30,2\nCRIM,ZN,MEDV\n${ROWS.join('\n')}\n`, async (path) => {
      const e = await expectDeeplineError(read(path), 'DL_DATA_TARGET', /has no column "MEDV"; columns are: 30, 2; the header seems to be on line 2: set data\.header: 2$/);
      assert.match(e.hint ?? '', /^line 1 has 2 fields \("30", "2"\) where the rows below have 3/);
    }));

  it('a bad row far below the header is that row\'s problem alone', () =>
    withFile('ragged.csv', `CRIM,ZN,MEDV\n${ROWS.join('\n')}\n1,2\n`, async (path) => {
      const e = await expectDeeplineError(read(path), 'DL_DATA_FORMAT', /row 31 \(line 32\) has 2 fields/);
      assert.doesNotMatch(e.message, /header seems/);
    }));

  it('a header past the end of the file is DL_DATA_FORMAT naming the line', () =>
    withFile('boston.csv', BOSTON, async (path) => {
      const e = await expectDeeplineError(read(path, { header: 40 }), 'DL_DATA_FORMAT', /has no line 40 to read the header from \(data\.header: 40\): its last record starts on line 32/);
      assert.equal(e.location?.line, 40);
    }));

  it('data.header: 1 reads a normal file as without it', () =>
    withFile('plain.csv', `CRIM,ZN,MEDV\n${ROWS.join('\n')}\n`, async (path) => {
      assert.deepEqual((await read(path, { header: 1 })).table, (await read(path)).table);
    }));
});

describe('readTable with an optional target', () => {
  it('reads new data without the label column and says so', () =>
    withFile('new.csv', `CRIM,ZN\n1.5,2\n2.5,3\n`, async (path) => {
      const result = await read(path, { targetOptional: true });
      assert.equal(result.targetMissing, true);
      assert.deepEqual(result.table.columns.map((c) => c.name), ['CRIM', 'ZN']);
      assert.equal(result.table.n, 2);
      await expectDeeplineError(read(path), 'DL_DATA_TARGET', /has no column "MEDV"/);
    }));

  it('still checks the label when it is there', () =>
    withFile('labelled.csv', `CRIM,MEDV\n1.5,\n2.5,\n`, async (path) => {
      await expectDeeplineError(read(path, { targetOptional: true }), 'DL_DATA_TARGET', /the target column "MEDV" has no values/);
    }));
});

describe('readTable on files that are not what they seem', () => {
  it('a CRLF header over LF rows reads every row (no "601 fields")', () =>
    withFile('mixed.csv', `a,b,MEDV\r\n${Array.from({ length: 300 }, (_, i) => `${i},${i * 2},${i % 7}`).join('\n')}\n`, async (path) => {
      const { table } = await read(path);
      assert.equal(table.n, 300);
      const medv = table.columns[2];
      assert.deepEqual(medv.type === 'numeric' && [medv.values[0], medv.values[299]], [0, 299 % 7]);
    }));

  it('a binary file named .csv is DL_DATA_FORMAT saying binary data, in a short message', async () => {
    // Every byte but NUL, so it is the control bytes that give it away.
    const bytes = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i % 255) + 1));
    await withFile('data.csv', bytes, async (path) => {
      const e = await expectDeeplineError(read(path), 'DL_DATA_FORMAT', /data\.csv is not a text table: it looks like binary data: its first KB holds \d+ control bytes/);
      assert.ok(e.message.length < 300, e.message);
    });
  });

  it('a huge field in a numeric column is a warning naming the column, row and its size', () => {
    const huge = 'x'.repeat(3 << 20);
    const rows = Array.from({ length: 50 }, (_, i) => `${i},${i === 5 ? huge : i * 2},${i % 3}`);
    return withFile('huge.csv', `a,b,MEDV\n${rows.join('\n')}\n`, async (path) => {
      const { table, warnings } = await read(path);
      // Not free text: 49 of its 50 values are numbers.
      assert.equal(table.columns[1].type, 'categorical');
      const warning = warnings.find((w) => w.includes('column "b"'));
      assert.match(warning ?? '', /column "b" was read as categorical: 49 of its 50 values are numbers, but 1 is not \("x{40}…" \(a 3\.0 MB field\) ×1; first .* in row 6, line 7\)/);
    });
  });
});

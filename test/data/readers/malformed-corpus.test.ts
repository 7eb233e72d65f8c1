import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Dataset } from '../../../src/data/dataset.ts';
import type { DataSource } from '../../../src/data/readers/data-reader.ts';
import { readTable, type ReadTableResult } from '../../../src/data/readers/read-table.ts';
import { createReaderRegistry } from '../../../src/data/readers/reader-registry.ts';
import type { Column, Table } from '../../../src/data/table.ts';
import { DeeplineError, type ErrorCode, type ErrorLocation } from '../../../src/errors/index.ts';

const CORPUS = fileURLToPath(new URL('../../fixtures/malformed/', import.meta.url));

type Reader = 'csv' | 'tsv' | 'jsonl' | 'image-folder' | 'image-list' | 'idx';

/** Either a DeeplineError with this code, message and location, or a result with these warnings. */
type Outcome =
  | { error: ErrorCode; message: RegExp; at?: Partial<ErrorLocation>; hint?: RegExp }
  | { warnings: RegExp[]; table?: (t: Table) => void; dataset?: (d: Dataset) => void };

interface Case {
  fixture: string;
  reader: Reader;
  outcome: Outcome;
  /** Target column (tables) or label column (image lists); `label` when left out. */
  target?: string;
}

const col = (t: Table, name: string): Column => {
  const c = t.columns.find((x) => x.name === name);
  assert.ok(c, `no column ${name} in ${t.columns.map((x) => x.name).join(', ')}`);
  return c;
};
const numbers = (t: Table, name: string): number[] => {
  const c = col(t, name);
  assert.ok(c.type === 'numeric' || c.type === 'boolean' || c.type === 'date', `${name} is ${c.type}`);
  return [...c.values];
};
const labels = (t: Table, name: string): (string | null)[] => {
  const c = col(t, name);
  assert.equal(c.type, 'categorical');
  return c.type === 'categorical' ? [...c.codes].map((k) => (k < 0 ? null : c.categories[k])) : [];
};

const CASES: Case[] = [
  // Structure of delimited text.
  { fixture: 'ragged-rows.csv', reader: 'csv', target: 'species', outcome: { error: 'DL_DATA_FORMAT', message: /row 3 \(line 4\) has 2 fields, expected 3/, at: { row: 3, line: 4 } } },
  { fixture: 'trailing-delimiter.csv', reader: 'csv', outcome: { error: 'DL_DATA_FORMAT', message: /row 1 \(line 2\) has 4 fields, expected 3/, at: { row: 1, line: 2 }, hint: /ends with an extra ","/ } },
  { fixture: 'semicolon-delimited.csv', reader: 'csv', target: 'city', outcome: { error: 'DL_DATA_FORMAT', message: /line 1: .*seems to be ";"-separated, but it is read as ","-separated/, at: { line: 1 } } },
  { fixture: 'tab-separated-as-csv.csv', reader: 'csv', target: 'city', outcome: { error: 'DL_DATA_FORMAT', message: /seems to be tab-separated/, hint: /data\.format to tsv/ } },
  { fixture: 'unclosed-quote.csv', reader: 'csv', outcome: { error: 'DL_DATA_FORMAT', message: /row 2 \(line 3\): bad quoting/, at: { row: 2, line: 3 } } },
  { fixture: 'duplicate-header.csv', reader: 'csv', outcome: { error: 'DL_DATA_FORMAT', message: /line 1 \(header\): column name "value" appears twice \(columns 2 and 3\)/, at: { line: 1, field: 'value' } } },
  { fixture: 'empty-header-name.csv', reader: 'csv', outcome: { error: 'DL_DATA_FORMAT', message: /line 1 \(header\): column 2 has no name/, at: { line: 1 } } },
  { fixture: 'empty.csv', reader: 'csv', outcome: { error: 'DL_DATA_FORMAT', message: /is empty \(0 bytes\)/ } },
  { fixture: 'header-only.csv', reader: 'csv', outcome: { error: 'DL_DATA_FORMAT', message: /has a header row \(line 1\) but no data rows/, at: { line: 1 } } },
  { fixture: 'blank-lines-only.csv', reader: 'csv', outcome: { error: 'DL_DATA_FORMAT', message: /has no header row: it holds only blank lines/ } },
  {
    fixture: 'bom.csv',
    reader: 'csv',
    outcome: { warnings: [], table: (t) => assert.deepEqual([t.columns[0].name, numbers(t, 'size')], ['size', [1.5, 2.5, 3.5]]) },
  },
  {
    fixture: 'mixed-line-endings.csv',
    reader: 'csv',
    outcome: {
      warnings: [],
      table: (t) => {
        assert.deepEqual(numbers(t, 'y'), [10, 20, 30, 40]);
        assert.deepEqual(labels(t, 'label'), ['a', 'b', 'a', 'b']);
        assert.deepEqual([...t.sourceRows], [1, 2, 3, 4]);
      },
    },
  },
  {
    fixture: 'quoted-newline.csv',
    reader: 'csv',
    outcome: {
      warnings: [],
      table: (t) => {
        const comment = col(t, 'comment');
        assert.equal(comment.type, 'text');
        assert.deepEqual(comment.type === 'text' && comment.values, ['first line\nsecond line, with a comma', 'plain', 'say "hi"']);
        assert.deepEqual(numbers(t, 'id'), [1, 2, 3]);
      },
    },
  },
  { fixture: 'trailing-blank-lines.csv', reader: 'csv', outcome: { warnings: [], table: (t) => assert.deepEqual(labels(t, 'label'), ['a', 'b']) } },
  {
    fixture: 'spreadsheet-empty-rows.csv',
    reader: 'csv',
    outcome: {
      warnings: [/skipped 2 row\(s\) whose cells are all empty \(first: row 2, line 3\)/],
      table: (t) => assert.deepEqual([[...t.sourceRows], numbers(t, 'x')], [[1, 3], [1, 3]]),
    },
  },
  // Encodings.
  { fixture: 'latin1.csv', reader: 'csv', outcome: { error: 'DL_DATA_FORMAT', message: /line 3, column 4: byte 0xe9 is not valid UTF-8/, at: { line: 3, column: 4 }, hint: /iconv -f WINDOWS-1252/ } },
  { fixture: 'utf16.csv', reader: 'csv', outcome: { error: 'DL_DATA_FORMAT', message: /is not a text table: it is UTF-16 text/, hint: /UTF-8/ } },
  // Values.
  {
    fixture: 'thousands-separators.csv',
    reader: 'csv',
    outcome: {
      warnings: [/column "price": 2 number\(s\) written with thousands separators \(first "1,234\.5" in row 1, line 2\)/, /column "area": 2 number\(s\) .*"1 200"/],
      table: (t) => assert.deepEqual([numbers(t, 'price'), numbers(t, 'area')], [[1234.5, 12000, 999.5], [1200, 850, 2500]]),
    },
  },
  {
    fixture: 'nan-infinity.csv',
    reader: 'csv',
    outcome: {
      warnings: [/column "x": 2 infinite value\(s\) \("Infinity" ×1, "-inf" ×1; first in row 2, line 3\) were read as missing/],
      table: (t) => assert.deepEqual([numbers(t, 'x'), numbers(t, 'y')], [[1.5, NaN, NaN, 3, 4], [NaN, 2, NaN, NaN, 5]]),
    },
  },
  {
    fixture: 'rare-unknown-marker.csv',
    reader: 'csv',
    outcome: {
      warnings: [/column "age": 2 value\(s\) that are not numbers \("unknown" ×2; first in row 18, line 19\) were read as missing/],
      table: (t) => {
        const age = numbers(t, 'age');
        assert.deepEqual([age[16], age[17], age[18], age.filter(Number.isNaN).length], [36, NaN, 38, 2]);
      },
    },
  },
  {
    fixture: 'late-codes-in-numeric.csv',
    reader: 'csv',
    outcome: {
      warnings: [/column "code" looked numeric in the first 1000 rows, but row 1041 \(line 1042\) has "C3" \(60 such values\): it was read as categorical/],
      table: (t) => {
        const code = labels(t, 'code');
        assert.deepEqual([t.n, code[0], code[1040]], [1100, '100', 'C3']);
        assert.equal(col(t, 'reading').type, 'numeric');
      },
    },
  },
  {
    fixture: 'word-in-numeric-column.csv',
    reader: 'csv',
    outcome: {
      warnings: [/column "b" was read as categorical: 19 of its 20 values are numbers, but 1 is not \("oops" ×1; first "oops" in row 14, line 15\)/],
      table: (t) => assert.deepEqual([labels(t, 'b')[13], labels(t, 'b')[12], col(t, 'a').type], ['oops', '24', 'numeric']),
    },
  },
  { fixture: 'regression-target-word.csv', reader: 'csv', target: 'price', outcome: { error: 'DL_DATA_VALUE', message: /row 9 \(line 10\), column "price": "call us" is not a number/, at: { row: 9, line: 10, field: 'price' } } },
  // Target.
  { fixture: 'missing-target.csv', reader: 'csv', target: 'price', outcome: { error: 'DL_DATA_TARGET', message: /no column "price"; columns are: rooms, area, prices/, hint: /did you mean "prices"/, at: { field: 'price' } } },
  { fixture: 'headerless.csv', reader: 'csv', outcome: { error: 'DL_DATA_TARGET', message: /no column "label"/, hint: /first row looks like data/ } },
  { fixture: 'one-class.csv', reader: 'csv', outcome: { error: 'DL_DATA_TARGET', message: /only one class `spam` in .*one-class\.csv \(target column "label", 3 row\(s\) with a value\)/, at: { field: 'label' } } },
  { fixture: 'target-all-missing.csv', reader: 'csv', outcome: { error: 'DL_DATA_TARGET', message: /target column "label" has no values \(all 3 rows are empty or NA\)/ } },
  // JSON Lines.
  { fixture: 'broken-line.jsonl', reader: 'jsonl', outcome: { error: 'DL_DATA_FORMAT', message: /line 3 \(row 3\) is not valid JSON/, at: { line: 3, row: 3 } } },
  { fixture: 'not-objects.jsonl', reader: 'jsonl', outcome: { error: 'DL_DATA_FORMAT', message: /line 2 \(row 2\) is an array, not a JSON object/, at: { line: 2 } } },
  {
    fixture: 'missing-keys.jsonl',
    reader: 'jsonl',
    outcome: {
      warnings: [],
      table: (t) => {
        assert.deepEqual(t.columns.map((c) => `${c.name}:${c.type}`), ['x:numeric', 'colour:categorical', 'label:categorical', 'extra:boolean']);
        assert.deepEqual([numbers(t, 'x'), labels(t, 'colour'), numbers(t, 'extra')], [[1, 2, NaN], ['red', null, 'blue'], [NaN, NaN, 1]]);
        assert.deepEqual([...t.sourceRows], [1, 2, 3]);
      },
    },
  },
  // Images.
  { fixture: 'images-corrupt-png', reader: 'image-folder', outcome: { error: 'DL_DATA_IMAGE', message: /cannot read image .*images-corrupt-png\/dog\/broken\.png/ } },
  {
    fixture: 'images-zero-byte',
    reader: 'image-folder',
    outcome: { warnings: [/skipped 1 empty \(0-byte\) image file\(s\): .*images-zero-byte\/dog\/empty\.png$/], dataset: (d) => assert.deepEqual([d.n, [...d.y]], [4, [0, 0, 1, 1]]) },
  },
  {
    fixture: 'images-stray-file',
    reader: 'image-folder',
    outcome: { warnings: [/skipped 2 file\(s\) in .*images-stray-file that are not PNG, JPEG or WebP images: cat\/Thumbs\.db, dog\/notes\.txt/], dataset: (d) => assert.deepEqual([d.n, d.featureShape], [4, [4, 4, 3]]) },
  },
  { fixture: 'image-list-missing-file.csv', reader: 'image-list', outcome: { error: 'DL_DATA_MISSING', message: /row 2 \(line 3\): image .*nope\.png does not exist/, at: { row: 2, line: 3, field: 'path' } } },
  {
    fixture: 'image-list-zero-byte.csv',
    reader: 'image-list',
    outcome: {
      warnings: [/skipped 1 empty \(0-byte\) image file\(s\): .*dog\/empty\.png \(.*image-list-zero-byte\.csv row 2, line 3\)/],
      dataset: (d) => assert.deepEqual([d.n, [...d.y], [...(d.sourceRows ?? [])]], [2, [0, 1], [1, 3]]),
    },
  },
  // IDX.
  { fixture: 'idx-bad-magic', reader: 'idx', outcome: { error: 'DL_DATA_FORMAT', message: /train-images-idx3-ubyte has magic number 0x89504e47, expected 0x00000803/ } },
  { fixture: 'idx-truncated', reader: 'idx', outcome: { error: 'DL_DATA_FORMAT', message: /train-images-idx3-ubyte is truncated: expected 54 bytes .* found 40/ } },
  { fixture: 'idx-label-mismatch', reader: 'idx', outcome: { error: 'DL_DATA_FORMAT', message: /holds 6 images but .*train-labels-idx1-ubyte holds 5 labels/ } },
];

const registry = createReaderRegistry();

async function read(c: Case, path: string): Promise<ReadTableResult | { dataset: Dataset; warnings: string[] }> {
  if (c.reader === 'csv' || c.reader === 'tsv' || c.reader === 'jsonl') return readTable({ path, format: c.reader, target: c.target ?? 'label' });
  const source: DataSource = { path, format: c.reader, taskKind: 'classification', target: c.reader === 'image-list' ? (c.target ?? 'label') : undefined };
  return registry.get(c.reader).read(source);
}

describe('malformed-input corpus', { timeout: 30_000 }, () => {
  it('lists every file and folder of the corpus in the table', () => {
    const onDisk = readdirSync(CORPUS).filter((f) => !f.startsWith('.') && f !== 'make-binary-fixtures.ts').sort();
    assert.deepEqual(CASES.map((c) => c.fixture).sort(), onDisk);
    assert.ok(onDisk.length >= 20, `${onDisk.length} fixtures`);
  });

  for (const c of CASES) {
    const expected = 'error' in c.outcome ? `${c.outcome.error}` : `a parse with ${c.outcome.warnings.length} warning(s)`;
    it(`${c.fixture} (${c.reader}) → ${expected}`, async () => {
      const path = join(CORPUS, c.fixture);
      let result: Awaited<ReturnType<typeof read>> | undefined;
      let error: unknown;
      try {
        result = await read(c, path);
      } catch (e) {
        error = e;
      }
      const outcome = c.outcome;
      if ('error' in outcome) {
        // Never a TypeError or a bare Error: a coded DeeplineError that names the file.
        assert.ok(error instanceof DeeplineError, `expected ${outcome.error}, got ${error === undefined ? 'a result' : String((error as Error).stack ?? error)}`);
        assert.equal(error.code, outcome.error, error.message);
        assert.match(error.message, outcome.message);
        assert.ok(error.message.includes(path), `message does not name ${path}: ${error.message}`);
        assert.ok(error.location?.file?.startsWith(path), `location ${JSON.stringify(error.location)}`);
        for (const [key, value] of Object.entries(outcome.at ?? {})) assert.equal(error.location?.[key as keyof ErrorLocation], value, `location.${key} in ${JSON.stringify(error.location)}`);
        assert.ok(error.hint, 'a hint says what to do');
        if (outcome.hint) assert.match(error.hint, outcome.hint);
        return;
      }
      assert.equal(error, undefined, `expected a parse, got ${String(error)}`);
      assert.ok(result);
      assert.equal(result.warnings.length, outcome.warnings.length, `warnings: ${JSON.stringify(result.warnings)}`);
      outcome.warnings.forEach((pattern, i) => {
        assert.match(result!.warnings[i], pattern);
        assert.ok(result!.warnings[i].includes(c.fixture), `warning does not name ${c.fixture}: ${result!.warnings[i]}`);
      });
      if ('table' in result) outcome.table?.(result.table);
      else outcome.dataset?.(result.dataset);
    });
  }
});

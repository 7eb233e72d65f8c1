import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readTable, type TableSource } from '../../../src/data/readers/read-table.ts';
import { loadTable, saveTable, type Column, type Table } from '../../../src/data/table.ts';
import { EXAMPLE_DATA } from '../fixtures/example-data.ts';
import { expectDeeplineError } from '../fixtures/expect-deepline-error.ts';
import { withTempDir } from '../fixtures/temp-dir.ts';

function column(table: Table, name: string): Column {
  const c = table.columns.find((x) => x.name === name);
  assert.ok(c, `no column ${name}`);
  return c;
}
const floats = (table: Table, name: string): number[] => {
  const c = column(table, name);
  return c.type === 'categorical' || c.type === 'text' ? assert.fail(`${name} is ${c.type}`) : [...c.values];
};
const categories = (table: Table, name: string): (string | null)[] => {
  const c = column(table, name);
  return c.type === 'categorical' ? [...c.codes].map((k) => (k < 0 ? null : c.categories[k])) : assert.fail(`${name} is ${c.type}`);
};
const types = (table: Table): string[] => table.columns.map((c) => `${c.name}:${c.type}`);

/** Writes `text` to a temp file and reads it as a table. */
async function readText(text: string | Buffer, source: Omit<TableSource, 'path'> & { name?: string }, check: (r: Awaited<ReturnType<typeof readTable>>, path: string) => void | Promise<void>) {
  await withTempDir(async (dir) => {
    const path = join(dir, source.name ?? `data.${source.format}`);
    await writeFile(path, text);
    await check(await readTable({ path, format: source.format, target: source.target, limit: source.limit }), path);
  });
}

describe('readTable on the example data', { timeout: 20_000 }, () => {
  it('iris: four numeric features and a categorical target, values as in the file', async () => {
    const path = join(EXAMPLE_DATA, 'iris.csv');
    const { table, warnings } = await readTable({ path, format: 'csv', target: 'species' });
    assert.deepEqual(warnings, []);
    assert.equal(table.n, 150);
    assert.equal(table.target, 'species');
    assert.deepEqual(types(table), ['sepal_length:numeric', 'sepal_width:numeric', 'petal_length:numeric', 'petal_width:numeric', 'species:categorical']);
    const species = column(table, 'species');
    assert.deepEqual(species.type === 'categorical' && species.categories, ['setosa', 'versicolor', 'virginica']);
    // Row 150 must be the file's last line, parsed independently here.
    const last = (await readFile(path, 'utf8')).trim().split('\n').at(-1)!.split(',');
    assert.deepEqual(table.columns.slice(0, 4).map((c) => (c.type === 'numeric' ? c.values[149] : NaN)), last.slice(0, 4).map(Number));
    assert.equal(categories(table, 'species')[149], last[4]);
    assert.deepEqual([table.sourceRows[0], table.sourceRows[149]], [1, 150]);
  });

  it('diabetes: all eleven columns numeric, the target too', async () => {
    const { table, warnings } = await readTable({ path: join(EXAMPLE_DATA, 'diabetes.csv'), format: 'csv', target: 'progression' });
    assert.deepEqual(warnings, []);
    assert.equal(table.n, 442);
    assert.equal(table.columns.length, 11);
    assert.ok(table.columns.every((c) => c.type === 'numeric'), types(table).join(' '));
    assert.deepEqual(floats(table, 'progression').slice(0, 3), [151, 75, 141]);
    assert.deepEqual(floats(table, 's5')[0], 4.8598);
  });
});

/** A mixed table: every type, and a missing cell in every column. */
function mixedCsv(rows: number, delimiter = ','): string {
  const colours = ['red', 'blue', 'green'];
  const lines = [['id', 'amount', 'colour', 'member', 'joined', 'review', 'clicked', 'zip', 'label'].join(delimiter)];
  for (let i = 1; i <= rows; i++) {
    const missing = (k: number): boolean => i % 7 === k;
    lines.push(
      [
        String(i),
        missing(1) ? '' : (i * 1.25).toFixed(2),
        missing(2) ? 'NA' : colours[i % 3],
        missing(3) ? 'N/A' : i % 2 ? 'yes' : 'No',
        missing(4) ? '' : `2021-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
        missing(5) ? 'null' : `"review ${i}: the parcel arrived after ${i} days, well packed"`,
        String(i % 2),
        missing(6) ? '?' : String(2000 + i).padStart(5, '0'),
        i % 3 ? 'keep' : 'churn',
      ].join(delimiter),
    );
  }
  return lines.join('\n') + '\n';
}

describe('readTable type inference on a generated mixed file', () => {
  for (const [format, delimiter] of [['csv', ','], ['tsv', '\t']] as const) {
    it(`${format}: numeric, categorical, boolean, date, text, 0/1 and codes, with missing cells`, () =>
      readText(mixedCsv(40, delimiter).replaceAll(delimiter === '\t' ? '"' : '\0', ''), { format, target: 'label' }, ({ table, warnings }) => {
        assert.deepEqual(warnings, []);
        assert.equal(table.n, 40);
        assert.deepEqual(types(table), [
          'id:numeric',
          'amount:numeric',
          'colour:categorical',
          'member:boolean',
          'joined:date',
          'review:text',
          'clicked:numeric',
          'zip:categorical',
          'label:categorical',
        ]);
        // Row i misses column k when i % 7 === k: rows 1 and 8 have no amount.
        assert.deepEqual(floats(table, 'amount').slice(0, 9), [NaN, 2.5, 3.75, 5, 6.25, 7.5, 8.75, NaN, 11.25]);
        assert.deepEqual(categories(table, 'colour').slice(0, 3), ['blue', null, 'red']);
        assert.deepEqual(floats(table, 'member').slice(0, 4), [1, 0, NaN, 0]);
        assert.equal(floats(table, 'joined')[0], Date.UTC(2021, 1, 2));
        assert.ok(Number.isNaN(floats(table, 'joined')[3]));
        const review = column(table, 'review');
        assert.equal(review.type === 'text' && review.values[0], 'review 1: the parcel arrived after 1 days, well packed');
        assert.equal(review.type === 'text' && review.values[4], null);
        assert.deepEqual(floats(table, 'clicked').slice(0, 3), [1, 0, 1]);
        assert.deepEqual(categories(table, 'zip').slice(0, 6), ['02001', '02002', '02003', '02004', '02005', null]);
        assert.deepEqual([...table.sourceRows.slice(0, 3)], [1, 2, 3]);
      }));
  }

  it('saves and loads the table unchanged', () =>
    readText(mixedCsv(30), { format: 'csv', target: 'label' }, async ({ table }, path) => {
      const dir = `${path}.table`;
      await saveTable(dir, table);
      assert.deepEqual(await loadTable(dir), { ...table, dataVersion: undefined });
    }));

  it('a target that looks like free text is categorical, since it is a label', () =>
    readText(
      ['review,label', ...Array.from({ length: 12 }, (_, i) => `${i},"the customer said the product was fine on day ${i}"`)].join('\n'),
      { format: 'csv', target: 'label' },
      ({ table }) => assert.deepEqual(types(table), ['review:numeric', 'label:categorical']),
    ));
});

describe('readTable JSONL', () => {
  it('reads JSON types through the cell rules, nested values as text, keys as columns', () =>
    readText(
      [
        '{"n": 1.5, "ok": true, "when": "2020-05-01", "tags": ["a", "b"], "label": "x"}',
        '{"n": "2", "ok": false, "when": null, "label": "y"}',
        '  ',
        '{"n": 3, "ok": "yes", "tags": {"k": 1}, "label": 7}',
      ].join('\r\n'),
      { format: 'jsonl', target: 'label' },
      ({ table, warnings }) => {
        assert.deepEqual(warnings, []);
        assert.deepEqual(types(table), ['n:numeric', 'ok:boolean', 'when:date', 'tags:categorical', 'label:categorical']);
        assert.deepEqual(floats(table, 'n'), [1.5, 2, 3]);
        assert.deepEqual(floats(table, 'ok'), [1, 0, 1]);
        assert.deepEqual(categories(table, 'tags'), ['["a","b"]', null, '{"k":1}']);
        assert.deepEqual(categories(table, 'label'), ['x', 'y', '7']);
        assert.deepEqual([...table.sourceRows], [1, 2, 3]);
      },
    ));

  it('an empty key is DL_DATA_FORMAT naming the line', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'd.jsonl');
      await writeFile(path, '{"x": 1, "label": "a"}\n\n{"": 2, "label": "b"}\n');
      await expectDeeplineError(readTable({ path, format: 'jsonl', target: 'label' }), 'DL_DATA_FORMAT', /line 3 \(row 2\) has an empty key ""/);
    }));

  it('types a key first seen after the sample from its own values, earlier rows missing', () => {
    const lines = Array.from({ length: 1500 }, (_, i) => JSON.stringify(i < 1200 ? { x: i, label: i % 2 ? 'a' : 'b' } : { x: i, late: i / 2, label: 'a' }));
    return readText(lines.join('\n'), { format: 'jsonl', target: 'label' }, ({ table, warnings }) => {
      assert.deepEqual(warnings, []);
      assert.deepEqual(types(table), ['x:numeric', 'label:categorical', 'late:numeric']);
      const late = floats(table, 'late');
      assert.equal(late.length, 1500);
      assert.ok(Number.isNaN(late[1199]));
      assert.deepEqual(late.slice(1200, 1202), [600, 600.5]);
    });
  });

  it('a target key absent from the first rows is DL_DATA_TARGET with a suggestion', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'd.jsonl');
      await writeFile(path, '{"text": "hi", "lable": "a"}\n{"text": "yo", "lable": "b"}\n');
      const e = await expectDeeplineError(readTable({ path, format: 'jsonl', target: 'label' }), 'DL_DATA_TARGET', /no column "label"; columns are: text, lable/);
      assert.match(e.hint ?? '', /did you mean "lable"/);
    }));
});

describe('readTable columns that change type after the sample', () => {
  const late = (rows: number, at: number, value: (i: number) => string, other: (i: number) => string): string =>
    ['v,label', ...Array.from({ length: rows }, (_, i) => `${i >= at ? value(i) : other(i)},${i % 2 ? 'a' : 'b'}`)].join('\n');

  it('a boolean column with new words is read again as categorical, spellings kept', () =>
    readText(late(1200, 1100, (i) => (i % 2 ? 'maybe' : 'perhaps'), (i) => (i % 2 ? 'Yes' : 'no')), { format: 'csv', target: 'label' }, ({ table, warnings }) => {
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /column "v" looked boolean in the first 1000 rows, but row 1101 \(line 1102\) has "perhaps" \(100 such values\): it was read as categorical/);
      const c = column(table, 'v');
      assert.deepEqual(c.type === 'categorical' && c.categories, ['no', 'Yes', 'perhaps', 'maybe']);
      assert.equal(table.n, 1200);
    }));

  it('a column missing in the whole sample is typed from its later values', () =>
    readText(late(1300, 1050, (i) => `2022-01-${String((i % 28) + 1).padStart(2, '0')}`, () => ''), { format: 'csv', target: 'label' }, ({ table, warnings }) => {
      assert.deepEqual(warnings, []);
      const v = floats(table, 'v');
      assert.equal(column(table, 'v').type, 'date');
      assert.ok(Number.isNaN(v[1049]));
      assert.equal(v[1050], Date.UTC(2022, 0, (1050 % 28) + 1));
    }));

  it('a numeric target that turns out to hold a class name is widened when it looks like class codes', async () => {
    const text = ['x,label', ...Array.from({ length: 1100 }, (_, i) => `${i},${i >= 1050 ? 'other' : i % 3}`)].join('\n');
    await readText(text, { format: 'csv', target: 'label' }, ({ table, warnings }) => {
      assert.match(warnings[0], /column "label" looked numeric .* has "other" \(50 such values\): it was read as categorical/);
      assert.equal(column(table, 'label').type, 'categorical');
      assert.deepEqual(categories(table, 'label').slice(1048, 1051), ['1', '2', 'other']);
    });
  });

  it('a numeric target that is a quantity with a word after the sample is DL_DATA_VALUE naming row, line and value', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'prices.csv');
      await writeFile(path, ['x,price', ...Array.from({ length: 1100 }, (_, i) => `${i},${i === 1060 ? 'ask me' : (i * 1.7).toFixed(1)}`), ''].join('\n'));
      const e = await expectDeeplineError(readTable({ path, format: 'csv', target: 'price' }), 'DL_DATA_VALUE', /row 1061 \(line 1062\), column "price": "ask me" is not a number/);
      assert.deepEqual([e.location?.row, e.location?.line, e.location?.field], [1061, 1062, 'price']);
    }));
});

describe('readTable streaming details', () => {
  it('honours limit, with a warning', () =>
    readText(mixedCsv(50), { format: 'csv', target: 'label', limit: 12 }, ({ table, warnings }) => {
      assert.equal(table.n, 12);
      assert.deepEqual(warnings.filter((w) => /read only the first 12 rows/.test(w)).length, 1);
    }));

  it('keeps multi-byte characters whole across read chunks, and finds a bad byte deep in the file', async () => {
    const rows = Array.from({ length: 6000 }, (_, i) => `${i},Zoë 東京 😀 ${i},${i % 2 ? 'ä' : 'ö'}`);
    await readText(['id,name,label', ...rows].join('\n'), { format: 'csv', target: 'label' }, ({ table }) => {
      const names = column(table, 'name');
      assert.ok(names.type === 'text' || names.type === 'categorical');
      const values = names.type === 'text' ? names.values : [];
      assert.equal(values.length, 6000);
      assert.ok(values.every((v, i) => v === `Zoë 東京 😀 ${i}`), 'every value decoded intact');
      assert.deepEqual(categories(table, 'label').slice(0, 2), ['ö', 'ä']);
    });
    const bad = Buffer.concat([Buffer.from(['id,name,label', ...rows.slice(0, 5000)].join('\n') + '\n5000,Caf'), Buffer.from([0xe9, 0x0a])]);
    await withTempDir(async (dir) => {
      const path = join(dir, 'bad.csv');
      await writeFile(path, bad);
      await expectDeeplineError(readTable({ path, format: 'csv', target: 'label' }), 'DL_DATA_FORMAT', /line 5002, column 9: byte 0xe9 is not valid UTF-8/);
    });
  });

  it('reports progress in bytes up to the file size', async () => {
    const path = join(EXAMPLE_DATA, 'digits.csv');
    const seen: Array<{ done: number; total: number; unit: string }> = [];
    await readTable({ path, format: 'csv', target: 'digit' }, { onProgress: (p) => seen.push(p) });
    const size = (await readFile(path)).length;
    assert.deepEqual(seen.at(-1), { done: size, total: size, unit: 'byte' });
    assert.ok(seen.every((p, i) => i === 0 || p.done >= seen[i - 1].done));
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(readTable({ path: join(EXAMPLE_DATA, 'digits.csv'), format: 'csv', target: 'digit' }, { signal: controller.signal }), { name: 'AbortError' });
  });

  it('a missing file is DL_DATA_MISSING; a folder is DL_DATA_FORMAT', async () => {
    await expectDeeplineError(readTable({ path: '/nonexistent/t.csv', format: 'csv', target: 'y' }), 'DL_DATA_MISSING', /\/nonexistent\/t\.csv/);
    await expectDeeplineError(readTable({ path: EXAMPLE_DATA, format: 'csv', target: 'y' }), 'DL_DATA_FORMAT', /is a folder/);
  });
});

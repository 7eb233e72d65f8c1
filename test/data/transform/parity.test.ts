import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Dataset } from '../../../src/data/dataset.ts';
import { readTable } from '../../../src/data/readers/read-table.ts';
import { subsetTable, type Table } from '../../../src/data/table.ts';
import { applyTableTransform } from '../../../src/data/transform/apply-table-transform.ts';
import { fitTableTransform } from '../../../src/data/transform/fit-table-transform.ts';
import { parseTableTransform, type TableTransform } from '../../../src/data/transform/table-transform.ts';
import { transformRecord } from '../../../src/data/transform/transform-record.ts';
import { EXAMPLE_DATA } from '../fixtures/example-data.ts';
import { withTempDir } from '../fixtures/temp-dir.ts';
import { readSimpleCsv, recordsOf, tableFromRows } from './make-table.ts';
import { MIXED_HEADER, MIXED_TYPES, mixedRows } from './mixed-rows.ts';
import { textCorpus } from './text-corpus.ts';

/** The transform as serving gets it: written to JSON and read back, not the fitted object. */
function shipped(t: TableTransform): TableTransform {
  return parseTableTransform(JSON.parse(JSON.stringify(t)));
}

/** Asserts every record's served features equal the training path's row, bit for bit. */
function assertParity(t: TableTransform, ds: Dataset, records: readonly Record<string, unknown>[]): void {
  const d = t.featureShape[0];
  assert.equal(records.length, ds.n);
  records.forEach((record, i) => {
    const served = transformRecord(t, record);
    const trained = ds.x.subarray(i * d, (i + 1) * d);
    const same = Buffer.from(served.buffer).equals(Buffer.from(trained.buffer, trained.byteOffset, trained.byteLength));
    if (!same) {
      const j = served.findIndex((v, k) => !Object.is(v, trained[k]));
      assert.fail(`row ${i + 1}: feature ${t.featureNames[j]} served ${served[j]}, trained ${trained[j]}`);
    }
  });
}

describe('train/serve parity of the table transform', () => {
  it('iris: raw CSV rows served as text give the training tensors', async () => {
    const { header, rows } = await readSimpleCsv(join(EXAMPLE_DATA, 'iris.csv'));
    const types = Object.fromEntries(header.map((h) => [h, h === 'species' ? 'categorical' : 'numeric'] as const));
    const table = tableFromRows(header, rows, types, 'species');
    const t = fitTableTransform(subsetTable(table, Int32Array.from({ length: 100 }, (_, i) => i * 1.5)), {});
    assert.deepEqual(t.featureShape, [4]);
    const ds = applyTableTransform(t, table);
    assertParity(shipped(t), ds, recordsOf(header, rows));
    // Typed JSON (numbers rather than text) is the same request.
    assertParity(shipped(t), ds, rows.map((r) => Object.fromEntries(header.map((h, j) => [h, j < 4 ? Number(r[j]) : r[j]]))));
    // The comparison is not vacuous: a changed value is caught.
    const changed = recordsOf(header, rows);
    changed[7].petal_length = String(Number(changed[7].petal_length) + 0.001);
    assert.throws(() => assertParity(t, ds, changed), /row 8: feature petal_length/);
  });

  it('a mixed table with missing values, unseen categories and dates', () => {
    const header = [...MIXED_HEADER];
    const trainRows = mixedRows(300, 1);
    const testRows = mixedRows(120, 2, { unseen: true });
    const t = fitTableTransform(tableFromRows(header, trainRows, MIXED_TYPES, 'label'), {});
    const test = tableFromRows(header, testRows, MIXED_TYPES, 'label');
    const ds = applyTableTransform(t, test);
    const records = recordsOf(header, testRows);
    assertParity(shipped(t), ds, records);
    // The same rows as typed JSON a client might build: numbers, booleans, nulls, keys left out.
    const typed = testRows.map((r) => {
      const rec: Record<string, unknown> = {};
      header.forEach((h, j) => {
        const s = r[j];
        if (s === '') {
          if (j % 2 === 0) rec[h] = null;
          return;
        }
        rec[h] = MIXED_TYPES[h] === 'numeric' ? Number(s) : MIXED_TYPES[h] === 'boolean' ? s === 'true' : s;
      });
      return rec;
    });
    assertParity(shipped(t), ds, typed);
    // What the test exercises really happened: unseen categories, imputed gaps, an hour part.
    const col = (name: string) => t.featureNames.indexOf(name);
    const d = t.featureShape[0];
    const rowsWith = (feature: string) => Array.from({ length: ds.n }, (_, i) => ds.x[i * d + col(feature)]).filter((v) => v === 1).length;
    assert.ok(rowsWith('city:unknown') >= 10, 'unseen cities should land in the unknown slot');
    assert.ok(rowsWith('product:unknown') >= 5, 'an unseen product should land in the unknown slot');
    assert.ok(rowsWith('income:missing') >= 3 && rowsWith('joined:missing') >= 3);
    assert.ok(col('joined:hour') >= 0 && col('product:other') >= 0);
  });

  it('through the real table reader: a TSV with odd spellings, served as the same cell texts', () =>
    withTempDir(async (dir) => {
      const header = [...MIXED_HEADER];
      // Spellings the reader's cell syntax understands: NA, thousands separators, yes/no, zones.
      const respell = (rows: string[][]): string[][] =>
        rows.map((r, i) => {
          const out = [...r];
          if (out[0] === '' && i % 2 === 0) out[0] = 'NA';
          else if (out[0] !== '' && i % 5 === 0) out[0] = Number(out[0]).toLocaleString('en-US', { minimumFractionDigits: 2 });
          if (out[2] !== '') out[2] = out[2] === 'true' ? 'yes' : 'no';
          if (out[3] !== '' && i % 4 === 0) out[3] = out[3].replace('Z', '+02:00');
          return out;
        });
      const rows = [...respell(mixedRows(300, 7)), ...respell(mixedRows(120, 8, { unseen: true }))];
      const path = join(dir, 'mixed.tsv');
      await writeFile(path, [header, ...rows].map((r) => r.join('\t')).join('\n'));
      const { table } = await readTable({ path, format: 'tsv', target: 'label' });
      // The note has two distinct values, so the reader calls it categorical: it becomes a feature here.
      assert.deepEqual(table.columns.map((c) => c.type), header.map((h) => (h === 'note' ? 'categorical' : MIXED_TYPES[h])), 'the reader infers the intended types');
      const t = fitTableTransform(subsetTable(table, Int32Array.from({ length: 300 }, (_, i) => i)));
      const ds = applyTableTransform(t, table);
      assertParity(shipped(t), ds, recordsOf(header, rows));
      const grouped = rows.findIndex((r) => r[0].includes(','));
      assert.ok(grouped >= 0 && Math.abs(ds.x[grouped * t.featureShape[0]]) > 0, 'a grouped number was read as a number');
    }));

  it('text: token ids served from raw text match the training sequences', () => {
    const docs = textCorpus(200, 5);
    const header = ['text', 'label'];
    const rows = docs.map((d) => [d.text, d.label]);
    const table = tableFromRows(header, rows, { text: 'text', label: 'categorical' }, 'label');
    const t = fitTableTransform(subsetTable(table, Int32Array.from({ length: 120 }, (_, i) => i)), { textColumn: 'text', vocabSize: 30, maxLen: 12 });
    assert.equal(t.input, 'text');
    assert.deepEqual(t.featureShape, [12]);
    const ds = applyTableTransform(t, table);
    assertParity(shipped(t), ds, recordsOf(header, rows));
    assert.ok(ds.x.some((v) => v === 1), 'with 30 ids some tokens must be out of vocabulary');
  });

  it('a table whose columns come in another order gives the same tensors', () => {
    const header = [...MIXED_HEADER];
    const rows = mixedRows(50, 3);
    const table = tableFromRows(header, rows, MIXED_TYPES, 'label');
    const t = fitTableTransform(table, {});
    const reversed: Table = { ...table, columns: [...table.columns].reverse() };
    assert.deepEqual(applyTableTransform(t, reversed).x, applyTableTransform(t, table).x);
  });
});

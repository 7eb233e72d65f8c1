import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanTable } from '../../../src/data/clean/clean-table.ts';
import { countMissing } from '../../../src/data/clean/count-missing.ts';
import { findDuplicateRows } from '../../../src/data/clean/find-duplicate-rows.ts';
import { flagOutliers } from '../../../src/data/clean/flag-outliers.ts';
import { fitOutlierRule } from '../../../src/data/clean/outlier-rule.ts';
import { createSeededRandom } from '../../../src/seed/seeded-random.ts';
import type { Table } from '../../../src/data/table.ts';
import { tableFromRows } from '../transform/make-table.ts';
import { MIXED_HEADER, MIXED_TYPES, mixedRows } from '../transform/mixed-rows.ts';

const TYPES = { x: 'numeric', k: 'categorical', note: 'text', y: 'categorical' } as const;
const small = (rows: string[][]): Table => tableFromRows(['x', 'k', 'note', 'y'], rows, TYPES, 'y');

describe('findDuplicateRows', () => {
  it('finds exact copies only, counting two missing values as equal', () => {
    const t = small([
      ['1', 'a', 'hi', 'p'],
      ['1', 'a', 'hi', 'p'],
      ['1', 'a', 'hi', 'q'],
      ['', '', '', 'p'],
      ['1.0', 'a', 'hi', 'p'],
      ['', '', '', 'p'],
      ['1', 'a', 'Hi', 'p'],
    ]);
    const d = findDuplicateRows(t);
    assert.deepEqual([...d.duplicates], [1, 4, 5]);
    assert.deepEqual([...d.firstOf], [0, 0, 3]);
    assert.deepEqual([...d.keep], [0, 2, 3, 6]);
  });

  it('agrees with a plain row-key comparison on a large table full of repeats', () => {
    const rng = createSeededRandom(11);
    const rows = Array.from({ length: 3000 }, () => [rng.next() < 0.1 ? '' : String(rng.int(6)), `c${rng.int(4)}`, rng.next() < 0.5 ? 'a b' : '', `l${rng.int(3)}`]);
    const seen = new Map<string, number>();
    const expected: number[] = [];
    rows.forEach((r, i) => {
      const key = JSON.stringify(r);
      if (seen.has(key)) expected.push(i);
      else seen.set(key, i);
    });
    const d = findDuplicateRows(small(rows));
    assert.deepEqual([...d.duplicates], expected);
    assert.equal(d.keep.length, seen.size);
  });
});

describe('outlier rule', () => {
  it('flags |x - median| / (1.4826 MAD) > 3.5 and reports bounds and example rows', () => {
    const xs = [...Array.from({ length: 21 }, (_, i) => String(i + 1)), '37', '36', '-20', ''];
    const t = small(xs.map((x, i) => [x, 'a', 'n', i % 2 ? 'p' : 'q']));
    const rule = fitOutlierRule(t);
    assert.equal(rule.columns.length, 1);
    const { median, scale } = rule.columns[0];
    // 24 values: median (11 + 12) / 2; absolute deviations 0.5, 0.5, 1.5, 1.5, ... give MAD (5.5 + 6.5) / 2.
    assert.equal(median, 11.5);
    assert.ok(Math.abs(scale - 1.4826 * 6) < 1e-12);
    const flags = flagOutliers(rule, t);
    // Bounds 11.5 ± 3.5 · 8.8956 = [-19.63, 42.63]: -20 is just outside, 37 inside, the gap never counts.
    const c = flags.columns[0];
    assert.ok(Math.abs(c.lower - (11.5 - 3.5 * 1.4826 * 6)) < 1e-9 && Math.abs(c.upper - (11.5 + 3.5 * 1.4826 * 6)) < 1e-9);
    assert.deepEqual(c.examples, [{ row: 24, value: -20 }]);
    assert.equal(flags.rowsFlagged, 1);
    assert.equal(flags.flagged[23], 1);
    // A stricter threshold moves the cut inside 37 and 36.
    const strict = flagOutliers(fitOutlierRule(t, { threshold: 2.5 }), t);
    assert.deepEqual(strict.columns[0].examples.map((e) => e.value), [37, 36, -20]);
  });

  it('skips a column whose MAD is 0 rather than flag every non-median value, and never checks the target', () => {
    const t: Table = {
      n: 6,
      target: 'y',
      sourceRows: Int32Array.from([1, 2, 3, 4, 5, 6]),
      columns: [
        { name: 'zeros', type: 'numeric', values: Float64Array.from([0, 0, 0, 0, 5, 9]) },
        { name: 'y', type: 'numeric', values: Float64Array.from([1, 2, 3, 4, 5, 1e9]) },
      ],
    };
    const rule = fitOutlierRule(t);
    assert.deepEqual(rule.columns, []);
    assert.deepEqual(rule.skipped.map((s) => s.column), ['zeros']);
  });
});

describe('cleanTable', () => {
  it('drops rows without a target and exact duplicates, counts missing values, flags outliers', () => {
    const rows = [
      ['1', 'a', 'x', 'p'],
      ['2', 'b', 'x', ''],
      ['1', 'a', 'x', 'p'],
      ['3', '', 'x', 'q'],
      ['', 'a', '', 'p'],
      ['1', 'a', 'x', 'p'],
      ...Array.from({ length: 20 }, (_, i) => [String(4 + (i % 5)), 'b', 'y', 'q']),
      ['500', 'b', 'z', 'p'],
    ];
    const { table, report } = cleanTable(small(rows), { examples: 1 });
    assert.equal(report.rowsIn, 27);
    assert.deepEqual(report.missingTarget, { dropped: 1, examples: [2] });
    assert.equal(report.duplicates.found, 2 + 15, 'rows 3 and 6 repeat row 1; the 20 rows of 5 values hold 15 repeats');
    assert.deepEqual(report.duplicates.examples, [{ row: 3, duplicateOf: 1 }]);
    assert.equal(report.rowsOut, 27 - 1 - 17);
    assert.equal(table.n, report.rowsOut);
    assert.deepEqual([...table.sourceRows], [1, 4, 5, 7, 8, 9, 10, 11, 27]);
    assert.deepEqual(report.missing.map((m) => [m.column, m.missing]), [['x', 1], ['k', 1], ['note', 1], ['y', 0]]);
    assert.equal(report.outliers?.rowsFlagged, 1);
    assert.deepEqual(report.outliers?.columns[0].examples, [{ row: 27, value: 500 }]);
    assert.equal(table.n, 9, 'flagging removes nothing');
  });

  it('only counts duplicates when told not to drop them, and skips outliers on none', () => {
    const rows = [['1', 'a', 'x', 'p'], ['1', 'a', 'x', 'p'], ['2', 'a', 'x', 'q']];
    const { table, report } = cleanTable(small(rows), { dropDuplicates: false, outliers: 'none' });
    assert.equal(table.n, 3);
    assert.deepEqual([report.duplicates.found, report.duplicates.dropped], [1, 0]);
    assert.equal(report.outliers, undefined);
  });

  it('counts missing values of every type in a mixed table', () => {
    const rows = mixedRows(200, 4);
    const missing = countMissing(tableFromRows([...MIXED_HEADER], rows, MIXED_TYPES, 'label'));
    MIXED_HEADER.forEach((h, j) => {
      assert.equal(missing[j].missing, rows.filter((r) => r[j] === '').length, h);
    });
    assert.ok(missing[0].missing > 5 && missing[0].share === missing[0].missing / 200);
  });
});

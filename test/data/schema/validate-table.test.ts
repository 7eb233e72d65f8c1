import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Anomaly } from '../../../src/data/schema/anomaly.ts';
import { inferSchema } from '../../../src/data/schema/infer-schema.ts';
import { validateTable } from '../../../src/data/schema/validate-table.ts';
import { makeTable } from '../profile/make-table.ts';

const range = (n: number, f: (i: number) => number | string | null) => Array.from({ length: n }, (_, i) => f(i));

/** 200 training rows: sizes 0..19.9, three colours, never missing. */
const train = makeTable('label', {
  size: { type: 'numeric', values: range(200, (i) => i / 10) },
  count: { type: 'numeric', values: range(200, (i) => i % 7) },
  colour: { type: 'categorical', values: range(200, (i) => ['red', 'green', 'blue'][i % 3]) },
  label: { type: 'categorical', values: range(200, (i) => (i % 2 ? 'yes' : 'no')) },
});
const schema = inferSchema(train);

function only(anomalies: Anomaly[], column: string, kind: Anomaly['kind']): Anomaly {
  const found = anomalies.filter((a) => a.column === column && a.kind === kind);
  assert.equal(found.length, 1, `expected one ${kind} anomaly for ${column}, got ${JSON.stringify(anomalies, null, 1)}`);
  return found[0];
}

describe('validateTable', () => {
  it('finds nothing wrong with the training data itself', () => {
    assert.deepEqual(validateTable(schema, train), []);
  });

  it('flags a column scaled by 10 as out of range, naming the column and values', () => {
    const shifted = makeTable('label', { ...specOf(train), size: { type: 'numeric', values: range(200, (i) => i) } });
    const a = only(validateTable(schema, shifted), 'size', 'out-of-range');
    assert.equal(a.severity, 'error');
    // Accepted: 0..19.9 widened by 10% of 19.9 on each side (up to 21.89): 178 of 200 rows are beyond.
    assert.equal(a.rows, 178);
    assert.match(a.message, /column "size" has 178 of 200 values \(89%\) outside the training range 0 to 19\.9/);
    assert.deepEqual(a.examples[0], { value: '22', row: 23 });
  });

  it('makes a few out-of-range values a warning', () => {
    const values = range(200, (i) => i / 10);
    values[5] = 25;
    const a = only(validateTable(schema, makeTable('label', { ...specOf(train), size: { type: 'numeric', values } })), 'size', 'out-of-range');
    assert.equal(a.severity, 'warning');
    assert.deepEqual(a.examples, [{ value: '25', row: 6 }]);
  });

  it('lists unseen categories with counts: an error in the target, by share in a feature', () => {
    const labels = range(200, (i) => (i % 2 ? 'yes' : 'no'));
    labels[3] = 'maybe';
    labels[9] = 'maybe';
    const colours = range(200, (i) => ['red', 'green', 'blue'][i % 3]);
    colours[0] = 'purple';
    const anomalies = validateTable(schema, makeTable('label', { ...specOf(train), colour: { type: 'categorical', values: colours }, label: { type: 'categorical', values: labels } }));
    const target = only(anomalies, 'label', 'unseen-category');
    assert.equal(target.severity, 'error');
    assert.deepEqual(target.examples, [{ value: 'maybe', count: 2, row: 4 }]);
    assert.match(target.message, /column "label" \(the target\) has 1 value never seen in training: "maybe" \(2 rows\)/);
    assert.match(target.message, /training had "no", "yes"/);
    const feature = only(anomalies, 'colour', 'unseen-category');
    assert.equal(feature.severity, 'warning');
    assert.equal(feature.rows, 1);
  });

  it('reports missing and extra columns', () => {
    const { count: _count, ...rest } = specOf(train);
    const t = makeTable('label', { ...rest, shoe: { type: 'numeric', values: range(200, () => 1) } });
    const anomalies = validateTable(schema, t);
    assert.equal(only(anomalies, 'count', 'missing-column').severity, 'error');
    const extra = only(anomalies, 'shoe', 'extra-column');
    assert.equal(extra.severity, 'warning');
    assert.match(extra.message, /"shoe"/);
  });

  it('lets serving data lack the target, not training data', () => {
    const { label: _label, ...features } = specOf(train);
    const t = makeTable('label', features);
    assert.equal(only(validateTable(schema, t), 'label', 'missing-column').severity, 'error');
    assert.deepEqual(validateTable(schema, t, { environment: 'serving' }), []);
  });

  it('flags values that are not numbers in a numeric column, and parses the rest', () => {
    const sizes = range(200, (i) => String(i / 10));
    sizes[7] = 'n.a.';
    sizes[8] = 'big';
    sizes[9] = 'big';
    const anomalies = validateTable(schema, makeTable('label', { ...specOf(train), size: { type: 'categorical', values: sizes } }));
    const a = only(anomalies, 'size', 'type-mismatch');
    // 3 of 200 rows: above the 1% that makes it an error.
    assert.equal(a.severity, 'error');
    assert.equal(a.rows, 3);
    assert.deepEqual(a.examples, [{ value: 'big', count: 2, row: 9 }, { value: 'n.a.', count: 1, row: 8 }]);
    assert.match(a.message, /column "size" was numeric in training but reads as categorical: "big" \(2 rows\), "n\.a\." \(1 row\) are not a number/);
    assert.equal(anomalies.filter((x) => x.column === 'size' && x.kind === 'out-of-range').length, 0);
  });

  it('compares a categorical column read as numbers by the values as written', () => {
    const t = makeTable('y', { code: { type: 'categorical', values: ['1', '2', '3', '1'] }, y: { type: 'numeric', values: [1, 2, 3, 4] } });
    const s = inferSchema(t);
    const later = makeTable('y', { code: { type: 'numeric', values: [1, 2, 4, 4] }, y: { type: 'numeric', values: [1, 2, 3, 4] } });
    const a = only(validateTable(s, later), 'code', 'unseen-category');
    assert.deepEqual(a.examples, [{ value: '4', count: 2, row: 3 }]);
  });

  it('reports a rise in missing values, and a column never missing before at once', () => {
    const sizes = range(200, (i) => i / 10);
    sizes[10] = null;
    const a = only(validateTable(schema, makeTable('label', { ...specOf(train), size: { type: 'numeric', values: sizes } })), 'size', 'missing-rate');
    assert.equal(a.severity, 'warning');
    assert.deepEqual(a.examples, [{ value: '(missing)', row: 11 }]);
    assert.match(a.message, /column "size" has 1 of 200 values missing \(0\.50%\), against 0% in training \(it was never missing\)/);
    const allMissing = validateTable(schema, makeTable('label', { ...specOf(train), size: { type: 'numeric', values: range(200, () => null) } }));
    assert.equal(only(allMissing, 'size', 'missing-rate').severity, 'error');
  });

  it('tolerates chance variation in a column that was often missing', () => {
    const t = makeTable('y', { v: { type: 'numeric', values: range(400, (i) => (i % 4 === 0 ? null : i)) }, y: { type: 'numeric', values: range(400, (i) => i) } });
    const s = inferSchema(t);
    const slightlyMore = makeTable('y', { v: { type: 'numeric', values: range(100, (i) => (i % 4 === 0 || i === 1 ? null : i)) }, y: { type: 'numeric', values: range(100, (i) => i) } });
    assert.deepEqual(validateTable(s, slightlyMore).filter((a) => a.kind === 'missing-rate'), []);
    const muchMore = makeTable('y', { v: { type: 'numeric', values: range(100, (i) => (i % 2 === 0 ? null : i)) }, y: { type: 'numeric', values: range(100, (i) => i) } });
    assert.equal(only(validateTable(s, muchMore), 'v', 'missing-rate').rows, 50);
  });

  it('calls a date column read as numbers a type mismatch, and warns on fractions in a whole-number column', () => {
    const t = makeTable('y', { when: { type: 'date', values: [0, 86_400_000] }, y: { type: 'numeric', values: [1, 2] } });
    const later = makeTable('y', { when: { type: 'numeric', values: [5, 6] }, y: { type: 'numeric', values: [1.5, 2] } });
    const anomalies = validateTable(inferSchema(t), later);
    assert.equal(only(anomalies, 'when', 'type-mismatch').severity, 'error');
    const fraction = only(anomalies, 'y', 'type-mismatch');
    assert.equal(fraction.severity, 'warning');
    assert.deepEqual(fraction.examples, [{ value: '1.5', row: 1 }]);
  });
});

/** The spec makeTable would need to rebuild `t` (for copies with one column changed). */
function specOf(t: ReturnType<typeof makeTable>): Record<string, Parameters<typeof makeTable>[1][string]> {
  const out: Record<string, Parameters<typeof makeTable>[1][string]> = {};
  for (const c of t.columns) {
    if (c.type === 'categorical') out[c.name] = { type: c.type, values: Array.from(c.codes, (k) => (k < 0 ? null : c.categories[k])) };
    else if (c.type === 'text') out[c.name] = { type: c.type, values: c.values };
    else out[c.name] = { type: c.type, values: Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)) };
  }
  return out;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDataSchema } from '../../../src/data/schema/data-schema.ts';
import { inferSchema } from '../../../src/data/schema/infer-schema.ts';
import { subsetTable } from '../../../src/data/table.ts';
import { DeeplineError } from '../../../src/errors/index.ts';
import { makeTable } from '../profile/make-table.ts';

const train = makeTable('label', {
  size: { type: 'numeric', values: [1, 2, 3, 11, null] },
  colour: { type: 'categorical', values: ['red', 'blue', 'red', 'green', 'blue'] },
  flag: { type: 'boolean', values: [0, 1, 1, 0, 1] },
  day: { type: 'date', values: [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 11), Date.UTC(2024, 0, 5), Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)] },
  note: { type: 'text', values: ['a b c', null, 'd e', 'f', 'g'] },
  label: { type: 'categorical', values: ['x', 'y', 'x', 'y', 'x'] },
});

describe('inferSchema', () => {
  const schema = inferSchema(train);
  const col = (name: string) => schema.columns.find((c) => c.name === name)!;

  it('records types, the target, and nullability with the observed missing share', () => {
    assert.equal(schema.formatVersion, 1);
    assert.equal(schema.kind, 'data-schema');
    assert.equal(schema.target, 'label');
    assert.equal(schema.rows, 5);
    assert.deepEqual(schema.columns.map((c) => [c.name, c.type, c.isTarget, c.required]), [
      ['size', 'numeric', false, true],
      ['colour', 'categorical', false, true],
      ['flag', 'boolean', false, true],
      ['day', 'date', false, true],
      ['note', 'text', false, true],
      ['label', 'categorical', true, true],
    ]);
    assert.equal(col('size').nullable, true);
    assert.equal(col('size').missingRate, 0.2);
    assert.equal(col('colour').nullable, false);
    assert.equal(col('note').missingRate, 0.2);
  });

  it('widens numeric ranges by the tolerance, leaves dates open-ended, fixes booleans to 0..1', () => {
    assert.deepEqual(col('size').range, { min: 1, max: 11, lower: 0, upper: 12, integer: true });
    const day = col('day').range!;
    assert.equal(day.upper, null);
    assert.equal(day.lower, Date.UTC(2024, 0, 1) - 0.1 * 10 * 86_400_000);
    assert.deepEqual(col('flag').range, { min: 0, max: 1, lower: 0, upper: 1, integer: true });
    const tight = inferSchema(train, undefined, { rangeTolerance: 0 });
    assert.deepEqual(tight.columns[0].range, { min: 1, max: 11, lower: 1, upper: 11, integer: true });
  });

  it('lists the categories rows actually hold, or leaves a large domain open', () => {
    assert.deepEqual(col('colour').domain, ['red', 'blue', 'green']);
    const subset = subsetTable(train, [0, 1]);
    assert.deepEqual(inferSchema(subset).columns[1].domain, ['red', 'blue']);
    const open = inferSchema(train, undefined, { maxDomainSize: 2 }).columns[1];
    assert.equal(open.domain, undefined);
    assert.equal(open.openDomain, true);
  });

  it('round-trips through JSON and rejects a damaged schema naming the field', () => {
    assert.deepEqual(parseDataSchema(JSON.parse(JSON.stringify(schema)), 's.json'), schema);
    const broken = JSON.parse(JSON.stringify(schema));
    broken.columns[0].type = 'float';
    assert.throws(() => parseDataSchema(broken, 's.json'), (e: unknown) => e instanceof DeeplineError && e.code === 'DL_DATA_FORMAT' && /s\.json: columns\.0\.type/.test(e.message));
  });
});

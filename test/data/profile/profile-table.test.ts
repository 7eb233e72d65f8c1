import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classBalance } from '../../../src/data/profile/class-balance.ts';
import { correlationRatio } from '../../../src/data/profile/correlation-ratio.ts';
import type { CategoricalColumnProfile, NumericColumnProfile, TextColumnProfile } from '../../../src/data/profile/data-profile.ts';
import { pearsonCorrelation } from '../../../src/data/profile/pearson-correlation.ts';
import { profileTable } from '../../../src/data/profile/profile-table.ts';
import { makeTable } from './make-table.ts';

const close = (actual: number, expected: number, eps = 1e-9): void => assert.ok(Math.abs(actual - expected) <= eps, `${actual} ≠ ${expected}`);

const pets = makeTable('kind', {
  weight: { type: 'numeric', values: [4, 5, 30, 25, null, 4] },
  colour: { type: 'categorical', values: ['black', 'white', 'black', 'brown', 'black', 'black'] },
  indoor: { type: 'boolean', values: [1, 1, 0, 0, 1, 1] },
  note: { type: 'text', values: ['Purrs a lot', 'purrs', 'barks at the mail', null, 'barks', 'Purrs a lot'] },
  kind: { type: 'categorical', values: ['cat', 'cat', 'dog', 'dog', 'dog', 'cat'] },
});

describe('profileTable', () => {
  const profile = profileTable(pets);
  const column = <T>(name: string): T => profile.columns.find((c) => c.name === name) as T;

  it('profiles numeric columns: missing share, statistics, association with a class target', () => {
    const weight = column<NumericColumnProfile>('weight');
    assert.equal(weight.type, 'numeric');
    assert.equal(weight.rows, 6);
    assert.equal(weight.missing, 1);
    close(weight.missingRate, 1 / 6);
    assert.equal(weight.distinct, 4);
    assert.equal(weight.stats.min, 4);
    assert.equal(weight.stats.max, 30);
    close(weight.stats.mean, 68 / 5);
    assert.equal(weight.association?.measure, 'eta');
    // Same numbers the measure gives on the rows with both values present.
    const expected = correlationRatio(Int32Array.from([0, 0, 1, 1, 1, 0]), 2, [4, 5, 30, 25, Number.NaN, 4]);
    close(weight.association!.value, expected.eta);
    close(weight.association!.f!, expected.f);
    assert.equal(weight.association!.n, 5);
  });

  it('profiles categorical columns with top values and Cramér\u2019s V', () => {
    const colour = column<CategoricalColumnProfile>('colour');
    assert.deepEqual(colour.topValues, [
      { value: 'black', count: 4 },
      { value: 'white', count: 1 },
      { value: 'brown', count: 1 },
    ]);
    assert.equal(colour.otherCount, 0);
    assert.equal(colour.distinct, 3);
    assert.equal(colour.association?.measure, 'cramers-v');
    assert.ok(colour.association!.value >= 0 && colour.association!.value <= 1);
  });

  it('profiles text: lengths, vocabulary, top tokens per class with lift', () => {
    const note = column<TextColumnProfile>('note');
    assert.equal(note.missing, 1);
    assert.equal(note.distinct, 4);
    assert.equal(note.text.vocabularySize, 7);
    assert.deepEqual(note.text.tokens.min, 1);
    assert.deepEqual(note.text.tokens.max, 4);
    assert.deepEqual(note.text.topTokens.slice(0, 2), [
      { value: 'purrs', count: 3 },
      { value: 'a', count: 2 },
    ]);
    const cat = note.text.topTokensPerClass!.find((c) => c.class === 'cat')!;
    assert.equal(cat.tokens[0].value, 'purrs');
    // purrs: 3 of the cats' 7 tokens, against 3 of all 12 tokens.
    close(cat.tokens[0].lift, 3 / 7 / (3 / 12));
    assert.equal(note.association, undefined);
  });

  it('gives the target its class balance and no association', () => {
    assert.deepEqual(profile.target, classBalance('kind', [0, 0, 1, 1, 1, 0], ['cat', 'dog']));
    assert.equal(profile.target.kind, 'class');
    const target = column<CategoricalColumnProfile>('kind');
    assert.equal(target.isTarget, true);
    assert.equal(target.association, undefined);
  });

  it('counts a repeated row once as a duplicate', () => {
    assert.deepEqual(profile.duplicates, { rows: 1, conflictingLabels: 0 });
  });

  it('counts labels that disagree on identical inputs', () => {
    const t = makeTable('y', {
      a: { type: 'numeric', values: [1, 1, 1, 2, -0, 0] },
      b: { type: 'categorical', values: ['x', 'x', 'x', 'x', null, null] },
      y: { type: 'categorical', values: ['p', 'p', 'q', 'q', 'p', 'p'] },
    });
    // (1,x,p) twice, (1,x,q) conflicts with it; -0 and 0 are the same value.
    assert.deepEqual(profileTable(t).duplicates, { rows: 2, conflictingLabels: 1 });
  });

  it('uses Pearson for a numeric target, η for a categorical feature against it', () => {
    const t = makeTable('price', {
      size: { type: 'numeric', values: [1, 2, 3, 4] },
      area: { type: 'categorical', values: ['n', 'n', 's', 's'] },
      price: { type: 'numeric', values: [10, 25, 29, 41] },
    });
    const p = profileTable(t);
    assert.equal(p.target.kind, 'numeric');
    const size = p.columns[0] as NumericColumnProfile;
    assert.equal(size.association?.measure, 'pearson');
    close(size.association!.value, pearsonCorrelation([1, 2, 3, 4], [10, 25, 29, 41]).r);
    assert.equal(p.columns[1].association?.measure, 'eta');
    close(p.columns[1].association!.value, correlationRatio(Int32Array.from([0, 0, 1, 1]), 2, [10, 25, 29, 41]).eta);
  });

  it('reads a numeric target as classes when asked', () => {
    const t = makeTable('digit', { v: { type: 'numeric', values: [0, 1, 0, 1] }, digit: { type: 'numeric', values: [7, 3, 7, 7] } });
    const p = profileTable(t, { targetKind: 'class' });
    assert.equal(p.target.kind, 'class');
    if (p.target.kind !== 'class') return;
    assert.deepEqual(p.target.classes.map((c) => [c.value, c.count]), [['3', 1], ['7', 3]]);
    close(p.target.imbalanceRatio, 3);
  });
});

describe('classBalance', () => {
  it('counts classes, the imbalance ratio and the normalised entropy', () => {
    const b = classBalance('y', [0, 0, 0, 1, -1], ['a', 'b', 'c']);
    assert.deepEqual(b.classes.map((c) => c.count), [3, 1, 0]);
    assert.equal(b.missing, 1);
    assert.equal(b.imbalanceRatio, 3);
    assert.equal(b.majority, 'a');
    assert.equal(b.minority, 'b');
    close(b.balance, -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)) / Math.log(3));
  });
});

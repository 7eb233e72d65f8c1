import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenizeText } from '../../../src/data/profile/tokenize-text.ts';

describe('tokenizeText', () => {
  it('lower-cases words and numbers, keeps inner apostrophes and accents, drops punctuation', () => {
    assert.deepEqual(tokenizeText("Don't STOP, café 42! — ok?"), ["don't", 'stop', 'café', '42', 'ok']);
    assert.deepEqual(tokenizeText('  ...  '), []);
    assert.deepEqual(tokenizeText('Привет мир'), ['привет', 'мир']);
  });
});

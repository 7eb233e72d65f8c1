import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from '../../src/store/canonical-json.ts';

describe('canonicalJson with prototype keys', () => {
  it('encodes own keys named like Object.prototype members as data', () => {
    // JSON.parse defines "__proto__" as an own key, as a column or category named so must be.
    const value = JSON.parse('{"toString": 1, "__proto__": {"x": 2}, "constructor": "c", "hasOwnProperty": null, "toJSON": "t"}') as unknown;
    const text = canonicalJson(value);
    assert.equal(text, '{"__proto__":{"x":2},"constructor":"c","hasOwnProperty":null,"toJSON":"t","toString":1}');
    const back = JSON.parse(text) as Record<string, unknown>;
    assert.ok(Object.hasOwn(back, '__proto__'), 'the text parses back to the same own key');
    assert.equal(canonicalJson(back), text);
  });

  it('encodes null-prototype objects like plain ones', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare['valueOf'] = 3;
    bare['__proto__'] = 'p';
    assert.equal(canonicalJson(bare), '{"__proto__":"p","valueOf":3}');
    assert.equal(canonicalJson(bare), canonicalJson(Object.fromEntries([['valueOf', 3], ['__proto__', 'p']])));
  });

  it('reads no inherited member: an object without "constructor" has no such key', () => {
    assert.equal(canonicalJson({ a: 1 }), '{"a":1}');
    assert.equal(canonicalJson(Object.fromEntries([['constructor', undefined]])), '{}');
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { computeCacheKey } from '../../src/pipeline/cache-key.ts';
import { deriveSeed } from '../../src/seed/derive-seed.ts';
import { canonicalJson } from '../../src/store/canonical-json.ts';

const base = { name: 'train', version: '3', params: { lr: 0.01, layers: [64, 32] }, inputs: { data: 'a'.repeat(64) }, seed: 42 };

describe('computeCacheKey', () => {
  it('is the sha256 of the canonical JSON of its parts', () => {
    const text = '{"format":1,"inputs":{"data":"' + 'a'.repeat(64) + '"},"name":"train","params":{"layers":[64,32],"lr":0.01},"seed":42,"version":"3"}';
    assert.equal(computeCacheKey(base), createHash('sha256').update(text).digest('hex'));
  });

  it('ignores key order and changes with every part', () => {
    const key = computeCacheKey(base);
    assert.equal(computeCacheKey({ ...base, params: { layers: [64, 32], lr: 0.01 } }), key);
    const variants = [
      { ...base, name: 'train2' },
      { ...base, version: '4' },
      { ...base, params: { lr: 0.02, layers: [64, 32] } },
      { ...base, params: { lr: 0.01, layers: [32, 64] } },
      { ...base, inputs: { data: 'b'.repeat(64) } },
      { ...base, inputs: { other: 'a'.repeat(64) } },
      { ...base, seed: 43 },
    ];
    const keys = new Set(variants.map(computeCacheKey));
    assert.equal(keys.size, variants.length);
    assert.ok(!keys.has(key));
  });
});

describe('deriveSeed', () => {
  it('is deterministic, differs per step and per run seed, and fits 32 bits', () => {
    assert.equal(deriveSeed(7, 'train'), deriveSeed(7, 'train'));
    assert.equal(deriveSeed(7, 'train'), createHash('sha256').update('7\0train').digest().readUInt32BE(0));
    const seeds = new Set(['load', 'split', 'train', 'eval'].flatMap((s) => [deriveSeed(7, s), deriveSeed(8, s)]));
    assert.equal(seeds.size, 8);
    for (const s of seeds) assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 32);
    assert.throws(() => deriveSeed(1.5, 'x'));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined properties', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: undefined } }), '{"a":{"d":[3,{"e":2,"f":1}]},"b":1}');
    assert.equal(canonicalJson({ when: new Date('2020-01-01T00:00:00Z') }), '{"when":"2020-01-01T00:00:00.000Z"}');
  });

  it('refuses values JSON would silently collapse', () => {
    for (const bad of [{ x: Number.NaN }, { x: Infinity }, [undefined], new Map(), new Float32Array(2), { x: 1n }, { f: () => 1 }]) {
      assert.throws(() => canonicalJson(bad), /canonical JSON/);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => canonicalJson(cyclic), /cycle/);
    // A shared (not cyclic) object is fine.
    const shared = { v: 1 };
    assert.equal(canonicalJson({ a: shared, b: shared }), '{"a":{"v":1},"b":{"v":1}}');
  });
});

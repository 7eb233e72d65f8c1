/**
 * The initializer seed of the `index`-th layer of a model built from `seed`. Never 0: tfjs
 * treats a seed of 0 as "no seed" and falls back to Math.random.
 */
export function layerSeed(seed: number, index: number): number {
  // A 32-bit integer hash (murmur3 finaliser) so neighbouring seeds give unrelated streams.
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return (h % 0x7ffffffe) + 1;
}

/**
 * Which requests the prediction log keeps, at `rate` (0..1): a request is kept when a hash of its
 * id and `seed` falls below the rate. The choice is deterministic per request id — a client that
 * sends `X-Request-Id` gets the same decision from every replica and on a retry, so a trace is
 * logged whole or not at all — and random where the server draws the ids (random UUIDs).
 * Rate 1 keeps everything, 0 nothing.
 */
export function createLogSampler(rate: number, seed = 0): (requestId: string) => boolean {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`the log sampling rate must be between 0 and 1, but got ${rate}`);
  if (rate === 1) return () => true;
  if (rate === 0) return () => false;
  const prefix = `${seed}:`;
  return (requestId) => hashUnit(prefix + requestId) < rate;
}

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser (FNV alone leaves the high bits of similar ids close): a number in [0, 1). */
function hashUnit(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

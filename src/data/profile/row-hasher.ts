const SEED_A = 0x9747b28c;
const SEED_B = 0x2545f491;
const MISSING = 0x7ff8dead;

/**
 * Hashes the rows of a table one column at a time (column-major, so each pass is a tight loop
 * over one typed array) into two independent 32-bit MurmurHash3 lanes per row; `digest` folds
 * them into one 53-bit number per row, exact in a double, so rows can be compared by sorting a
 * Float64Array. Missing values hash to one fixed word whatever their column type, and -0 as 0.
 */
export class RowHasher {
  readonly #a: Int32Array;
  readonly #b: Int32Array;
  readonly #words = new Uint32Array(2);
  readonly #double = new Float64Array(this.#words.buffer);
  readonly #single = new Float32Array(this.#words.buffer, 0, 1);

  constructor(readonly n: number) {
    this.#a = new Int32Array(n).fill(SEED_A);
    this.#b = new Int32Array(n).fill(SEED_B);
  }

  mixNumbers(values: Float64Array): void {
    const a = this.#a;
    const b = this.#b;
    const words = this.#words;
    for (let i = 0; i < this.n; i++) {
      const v = values[i];
      if (v !== v) {
        a[i] = mix(a[i], MISSING);
        b[i] = mix(b[i], MISSING);
        continue;
      }
      this.#double[0] = v === 0 ? 0 : v;
      a[i] = mix(mix(a[i], words[0]), words[1]);
      b[i] = mix(mix(b[i], words[1]), words[0]);
    }
  }

  mixCodes(codes: Int32Array): void {
    const a = this.#a;
    const b = this.#b;
    for (let i = 0; i < this.n; i++) {
      const c = codes[i] < 0 ? MISSING : codes[i];
      a[i] = mix(a[i], c);
      b[i] = mix(b[i], ~c);
    }
  }

  mixStrings(values: readonly (string | null)[]): void {
    const a = this.#a;
    const b = this.#b;
    for (let i = 0; i < this.n; i++) {
      const s = values[i];
      if (s === null || s === undefined) {
        a[i] = mix(a[i], MISSING);
        b[i] = mix(b[i], MISSING);
        continue;
      }
      let ha = a[i];
      let hb = b[i];
      for (let j = 0; j < s.length; j++) {
        const c = s.charCodeAt(j);
        ha = mix(ha, c);
        hb = mix(hb, c ^ 0x5bd1e995);
      }
      // The length keeps "ab" + "c" apart from "a" + "bc" across two adjacent text columns.
      a[i] = mix(ha, s.length);
      b[i] = mix(hb, ~s.length);
    }
  }

  /** Mixes `d` consecutive float32 values per row (an image's pixels), row i at x[i*d .. i*d+d). */
  mixFloat32Rows(x: Float32Array, d: number): void {
    const a = this.#a;
    const b = this.#b;
    const words = this.#words;
    for (let i = 0; i < this.n; i++) {
      let ha = a[i];
      let hb = b[i];
      const base = i * d;
      for (let j = 0; j < d; j++) {
        const v = x[base + j];
        this.#single[0] = v === 0 || v !== v ? 0 : v;
        const w = v !== v ? MISSING : words[0];
        ha = mix(ha, w);
        hb = mix(hb, w ^ 0x27d4eb2f);
      }
      a[i] = ha;
      b[i] = hb;
    }
  }

  /** One 53-bit number per row: 32 bits of lane a and 21 of lane b, each finalised. */
  digest(): Float64Array {
    const out = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) out[i] = (finalise(this.#a[i]) >>> 0) * 2 ** 21 + (finalise(this.#b[i]) >>> 11);
    return out;
  }
}

/** MurmurHash3's per-word body step. */
function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's avalanche finaliser. */
function finalise(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

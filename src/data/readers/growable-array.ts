type NumberArray = Float64Array | Int32Array;

/**
 * An append-only typed array that doubles as it fills, so a streaming reader needs no row count
 * up front and holds 8 (or 4) bytes per value instead of a JS array's boxed numbers.
 */
export class GrowableArray<A extends NumberArray> {
  #data: A;
  #length = 0;

  constructor(private readonly make: (length: number) => A) {
    this.#data = make(1024);
  }

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const bigger = this.make(Math.max(1024, this.#data.length * 2));
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.#length++] = value;
  }

  /** Appends `value` `count` times (padding a column that appeared late, in JSONL). */
  fill(value: number, count: number): void {
    for (let i = 0; i < count; i++) this.push(value);
  }

  at(index: number): number {
    return this.#data[index];
  }

  /**
   * The values, right-sized, leaving this array empty: a finished table then never holds a
   * column twice (the growing buffer is up to twice the column's size).
   */
  take(): A {
    const out = this.#data.length === this.#length ? this.#data : (this.#data.slice(0, this.#length) as A);
    this.#data = this.make(0);
    this.#length = 0;
    return out;
  }
}

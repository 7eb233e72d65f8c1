/**
 * Reuses the output buffers of native kernels. A training step allocates the same few dozen
 * large arrays every time; fresh ones cost page faults (~0.6 ms per MB here, more than the
 * convolutions themselves), so disposed ones are kept by size and handed out again, as
 * PyTorch's caching allocator does. Only arrays the pool made are ever reused, and only when
 * the tensor that owns them is disposed; `owns` lets the backend copy any view of them that
 * would outlive that tensor.
 */
export class NativeMemoryPool {
  private readonly free = new Map<number, Float32Array[]>();
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly owners = new WeakMap<Float32Array, object>();
  private pooledBytes = 0;

  constructor(private readonly maxPooledBytes: number) {}

  /** An uninitialised array of `length` floats: callers must write every element. */
  take(length: number): Float32Array {
    const reused = this.free.get(length)?.pop();
    if (reused) {
      this.pooledBytes -= reused.byteLength;
      return reused;
    }
    const fresh = new Float32Array(length);
    this.buffers.add(fresh.buffer);
    return fresh;
  }

  /** Records that the tensor data `owner` holds `values`. */
  adopt(values: Float32Array, owner: object): void {
    this.owners.set(values, owner);
  }

  /** Whether `values` is a pool array held by `owner` itself (not a view or a second holder). */
  heldBy(values: unknown, owner: object): boolean {
    return values instanceof Float32Array && this.owners.get(values) === owner;
  }

  /** Whether `values` lies in memory the pool hands out. */
  owns(values: unknown): boolean {
    return ArrayBuffer.isView(values) && this.buffers.has(values.buffer);
  }

  /** Takes back the array of a disposed tensor; beyond the cap it is left to the GC. */
  give(values: Float32Array, owner: object): void {
    if (this.owners.get(values) !== owner) return;
    this.owners.delete(values);
    if (this.pooledBytes + values.byteLength > this.maxPooledBytes) return;
    let list = this.free.get(values.length);
    if (!list) this.free.set(values.length, (list = []));
    list.push(values);
    this.pooledBytes += values.byteLength;
  }

  /** Bytes held for reuse. */
  get cachedBytes(): number {
    return this.pooledBytes;
  }

  /** Drops every cached array (they are freed by the next GC). */
  clear(): void {
    this.free.clear();
    this.pooledBytes = 0;
  }
}

import type * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './native-addon.ts';
import { NativeMemoryPool } from './native-memory-pool.ts';

/** The name the backend is registered under; `tf.getBackend()` reports it. */
export const NATIVE_BACKEND = 'native';

// Enough for the working set of a mid-sized CNN's training step; the rest goes back to the GC.
const MAX_POOLED_BYTES = 1 << 30;

/**
 * The cpu backend's tensor storage (host typed arrays, reference counted) with the heavy kernels
 * computed by the oneDNN addon. Kernels read and write the very arrays the cpu kernels use, so
 * a native kernel and a cpu one can follow each other without copies. Native outputs come from
 * a pool that takes them back when their tensor is disposed.
 */
export class NativeBackend extends MathBackendCPU {
  readonly pool = new NativeMemoryPool(MAX_POOLED_BYTES);

  constructor(readonly addon: NativeAddon) {
    super();
    // MathBackendCPU's first write prints a "use tfjs-node" banner meant for the plain-JS backend.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** The float32 values of a tensor on this backend, in place. */
  float32(t: tf.TensorInfo): Float32Array {
    return this.data.get(t.dataId).values as Float32Array;
  }

  /**
   * Whether the addon can read a tensor: float32 and held in a Float32Array (the cpu kernels
   * sometimes leave a float32 tensor's values in an Int32Array, e.g. after a cast of a one-hot).
   */
  isFloat32(t: tf.TensorInfo | undefined): boolean {
    return t === undefined || (t.dtype === 'float32' && this.data.get(t.dataId)?.values instanceof Float32Array);
  }

  /** An output array for a native kernel, which must write all of it. */
  allocate(length: number): Float32Array {
    return this.pool.take(length);
  }

  /** A new float32 tensor owning `values` (from `allocate`). */
  output(shape: number[], values: Float32Array): tf.TensorInfo {
    const info = this.makeTensorInfo(shape, 'float32', values);
    this.pool.adopt(values, info.dataId);
    return info;
  }

  /**
   * Makes sure no output of a cpu kernel shares pool memory with another tensor (the cpu Slice
   * returns views of its input): such a view gets its own copy, so disposing the input can
   * safely recycle its array.
   */
  detachViews(outputs: tf.TensorInfo | tf.TensorInfo[]): void {
    for (const out of Array.isArray(outputs) ? outputs : [outputs]) {
      const data = this.data.get(out.dataId);
      if (data && this.pool.owns(data.values) && !this.pool.heldBy(data.values, out.dataId)) {
        data.values = (data.values as Float32Array).slice();
      }
    }
  }

  // Values read out escape to user code, which may keep them after the tensor is disposed.
  override readSync(dataId: object): tf.backend_util.BackendValues {
    const values = super.readSync(dataId);
    return this.pool.owns(values) ? (values as Float32Array).slice() : values;
  }

  override disposeData(dataId: object, force = false): boolean {
    const values = this.data.get(dataId)?.values;
    const released = super.disposeData(dataId, force);
    if (released && values instanceof Float32Array) this.pool.give(values, dataId);
    return released;
  }

  override dispose(): void {
    this.pool.clear();
    super.dispose();
  }
}

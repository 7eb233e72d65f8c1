import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Runs the wasm backend's own kernels from inside one of deepline's kernels, so the arithmetic
 * stays in wasm, and frees every intermediate it produced when the caller is done.
 *
 * Kernels are called directly rather than through `tf` ops: an op called inside a kernel would
 * be recorded on the gradient tape and counted by the engine as a user tensor.
 */
export class WasmKernelScope {
  private readonly owned: tf.TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  /** Runs a single-output kernel registered for 'wasm'; the result is freed by `dispose()` unless released. */
  run(kernelName: string, inputs: tf.NamedTensorInfoMap | tf.TensorInfo[], attrs: object = {}): tf.TensorInfo {
    const kernel = tf.getKernel(kernelName, 'wasm');
    if (!kernel) throw new Error(`deepline wasm kernels need '${kernelName}', which the wasm backend does not register`);
    // Concat and Pack take their inputs as an array; the KernelFunc type only knows named maps.
    const out = kernel.kernelFunc({
      inputs: inputs as tf.NamedTensorInfoMap,
      backend: this.backend,
      attrs: attrs as tf.NamedAttrMap,
    });
    if (Array.isArray(out)) {
      for (const t of out) this.owned.push(t);
      throw new Error(`deepline wasm kernels expected one output from '${kernelName}', got ${out.length}`);
    }
    this.owned.push(out);
    return out;
  }

  /** Same data, new shape; costs nothing (the wasm Reshape only adds a reference). */
  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /** A tensor filled with zeros, owned by the scope. */
  zeros(shape: number[], dtype: tf.DataType = 'float32'): tf.TensorInfo {
    return this.run('Fill', {}, { shape, value: 0, dtype });
  }

  /**
   * A new tensor whose values the caller writes through the returned view. The view is only valid
   * until the next allocation: a growing wasm heap detaches every view taken before.
   */
  allocate(shape: number[], dtype: tf.DataType): { info: tf.TensorInfo; values: tf.TypedArray } {
    const info = this.backend.makeOutput(shape, dtype);
    this.owned.push(info);
    return { info, values: this.backend.typedArrayFromHeap(info) };
  }

  /**
   * Pads spatial or any other axes with zeros where an amount is positive and crops where it is
   * negative: explicit paddings may exceed what a transposed convolution reads.
   */
  padOrCrop(x: tf.TensorInfo, amounts: Array<[number, number]>): tf.TensorInfo {
    let out = x;
    if (amounts.some(([before, after]) => before < 0 || after < 0)) {
      const begin = amounts.map(([before]) => Math.max(0, -before));
      const size = x.shape.map((d, i) => d - begin[i] - Math.max(0, -amounts[i][1]));
      out = this.run('Slice', { x: out }, { begin, size });
    }
    if (amounts.some(([before, after]) => before > 0 || after > 0)) {
      const paddings = amounts.map(([before, after]) => [Math.max(0, before), Math.max(0, after)]);
      out = this.run('PadV2', { x: out }, { paddings, constantValue: 0 });
    }
    return out;
  }

  /**
   * Hands `t` over to the caller: `dispose()` will not free it. A tensor the scope does not own
   * (an input passed straight through) gets its own reference, as a kernel output must.
   */
  release(t: tf.TensorInfo): tf.TensorInfo {
    const i = this.owned.lastIndexOf(t);
    if (i < 0) {
      this.backend.incRef(t.dataId);
      return { dataId: t.dataId, shape: t.shape.slice(), dtype: t.dtype };
    }
    this.owned.splice(i, 1);
    return t;
  }

  /** Frees every intermediate not released; each kernel output holds exactly one reference. */
  dispose(): void {
    for (const t of this.owned.splice(0)) this.backend.disposeData(t.dataId);
  }
}

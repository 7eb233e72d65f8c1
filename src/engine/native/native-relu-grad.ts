import * as tf from '@tensorflow/tfjs';
import { NATIVE_BACKEND, type NativeBackend } from './native-backend.ts';

/** A native-only kernel: dy · step(x), Relu's gradient, in one pass instead of Step then Multiply. */
export const RELU_GRAD = 'DeeplineReluGrad';
// Op code of kReluGradOp in native/src/elementwise.cc.
const RELU_GRAD_OP = 7;

export const reluGradConfig: tf.KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: NATIVE_BACKEND,
  kernelFunc: (({ inputs, backend }: { inputs: Record<string, tf.TensorInfo>; backend: NativeBackend }) => {
    const { dy, x } = inputs;
    const read = (t: tf.TensorInfo): Float32Array => {
      const values = backend.data.get(t.dataId).values;
      return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
    };
    const out = backend.allocate(tf.util.sizeFromShape(dy.shape));
    backend.addon.binary(RELU_GRAD_OP, read(dy), read(x), out, 0);
    return backend.output(dy.shape.slice(), out);
  }) as unknown as tf.KernelFunc,
};

let installed = false;

/**
 * Makes Relu's gradient one native kernel on the native backend (2 of a CNN step's largest
 * element-wise passes become 1). Gradients are registered per op, not per backend, so on any
 * other backend, and for other dtypes or shapes, tfjs's own gradient runs unchanged. Idempotent.
 */
export function installNativeReluGrad(): void {
  if (installed) return;
  const stock = tf.getGradient('Relu');
  if (!stock) return;
  installed = true;
  tf.registerGradient({
    ...stock,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const fits = !Array.isArray(dy) && dy.dtype === 'float32' && x.dtype === 'float32' && tf.util.arraysEqual(dy.shape, x.shape);
      if (tf.getBackend() !== NATIVE_BACKEND || !fits) return stock.gradFunc(dy, saved, attrs);
      return { x: () => tf.engine().runKernel(RELU_GRAD, { dy, x }) as tf.Tensor };
    },
  });
}
